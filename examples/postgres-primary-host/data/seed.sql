-- The SQLite database of the sx API as it is before the cutover: two profiles (sources) whose
-- items, per-item metadata and notes live in one file. assets_1 is the profile the runbook
-- moves; assets_2 stays on SQLite and must never show up in assets_1's answers.
CREATE TABLE items (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX items_source ON items (source_id);
-- User-owned data: what the defensive backup is for.
CREATE TABLE item_meta (
  item_id TEXT NOT NULL REFERENCES items (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (item_id, key)
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES items (id),
  text TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO items (id, source_id, title, body)
SELECT printf('a1-%03d', i), 'assets_1', printf('Asset %d of profile 1', i), printf('Body of asset %d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25)
INSERT INTO items (id, source_id, title, body)
SELECT printf('a2-%03d', i), 'assets_2', printf('Asset %d of profile 2', i), printf('Body of asset %d', i) FROM n;

INSERT INTO item_meta (item_id, key, value) VALUES
  ('a1-001', 'status', 'reviewed'), ('a1-001', 'owner', 'ana'), ('a1-002', 'status', 'draft'),
  ('a1-010', 'status', 'reviewed'), ('a2-001', 'status', 'draft'), ('a2-003', 'owner', 'luis');
INSERT INTO notes (item_id, text, pinned) VALUES
  ('a1-001', 'Checked against the archive.', 1), ('a1-002', 'Needs a second look.', 0),
  ('a1-010', 'Linked to a2? No: different profile.', 0), ('a2-001', 'Profile 2 note.', 1);
