-- The chain's hashes are not looked up: `vault verify` recomputes every one in seq order, and
-- a hash covers its seq and the previous hash, so no two events can share one. The unique
-- index on this random 64-hex key cost every append a second, random B-tree page, and in the
-- encrypted vault each page written is encrypted and MACed once into the WAL and twice more at
-- checkpoint (issue 17: 10,000 durable events against plain SQLite).
DROP INDEX `events_hash_unique`;
