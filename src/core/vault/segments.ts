// Segment files (issue 17): an artifact's bytes beside the vault, encrypted with AES-256-GCM.
// The layout is in segment-format.ts, reading in segment-reader.ts, writing in segment-writer.ts.
export { FRAME_OVERHEAD, HEADER_BYTES, SEGMENT_FORMAT, artifactDirFor, artifactKey, idBytes, recordedLength, segmentName, segmentPathFor, segmentRootFor, type ChunkRecord, type SegmentContext } from './segment-format';
export { SegmentError, readSegmentChunks, type SegmentFaultKind, type SegmentReadExtras } from './segment-reader';
export { SegmentFileWriter } from './segment-writer';
