// A schema with one of everything the fingerprint covers, built the same way in as many test
// databases as a test needs.

/** The fixture schema (NULLS NOT DISTINCT only from PostgreSQL 15). */
export function schemaSql(serverVersionNum: number): string {
  const nullsNotDistinct = serverVersionNum >= 150000 ? ' NULLS NOT DISTINCT' : '';
  return `
CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('draft', 'open', 'closed');
CREATE DOMAIN app.money AS numeric(14, 2) DEFAULT 0 CONSTRAINT money_not_negative CHECK (VALUE >= 0);
CREATE TYPE app.address AS (street text, city varchar(80));
CREATE SEQUENCE app.ticket_seq AS integer INCREMENT BY 5 START WITH 100 CACHE 10 CYCLE;

CREATE TABLE app.investors (
  id bigserial PRIMARY KEY,
  email varchar(200) NOT NULL UNIQUE,
  name text COLLATE "C",
  "Display Name" text,
  status app.status NOT NULL DEFAULT 'draft',
  balance app.money,
  home app.address,
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX investors_status_created_idx ON app.investors (status, created_at DESC NULLS LAST);
CREATE INDEX investors_open_idx ON app.investors (created_at) WHERE status = 'open';
CREATE INDEX investors_lower_email_idx ON app.investors (lower(email));
CREATE INDEX investors_email_pattern_idx ON app.investors (email varchar_pattern_ops);
CREATE INDEX investors_tags_idx ON app.investors USING gin (tags);
CREATE INDEX investors_name_c_idx ON app.investors (name COLLATE "POSIX");
CREATE INDEX investors_display_idx ON app.investors ("Display Name" NULLS FIRST) INCLUDE (email);
CREATE INDEX investors_hash_idx ON app.investors USING hash (email);
CREATE INDEX investors_brin_idx ON app.investors USING brin (created_at) WITH (pages_per_range = 32);
CREATE UNIQUE INDEX investors_name_status_key ON app.investors (name, status)${nullsNotDistinct};

CREATE TABLE app.investments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  investor_id bigint NOT NULL,
  amount numeric(14, 2) CHECK (amount > 0),
  ratio double precision GENERATED ALWAYS AS (amount / 100) STORED,
  during tstzrange,
  CONSTRAINT fk_investments_investor FOREIGN KEY (investor_id) REFERENCES app.investors (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT investments_no_overlap EXCLUDE USING gist (during WITH &&),
  CONSTRAINT investments_investor_amount_key UNIQUE (investor_id, amount) INCLUDE (during)
);
ALTER TABLE app.investments ADD CONSTRAINT investments_amount_cap CHECK (amount < 1000000) NOT VALID;

CREATE TABLE public.audit_log (
  id serial PRIMARY KEY,
  investment_id integer,
  investor_email varchar(200),
  payload jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT audit_log_investment_fk FOREIGN KEY (investment_id) REFERENCES app.investments (id) ON UPDATE RESTRICT ON DELETE SET NULL
);
ALTER TABLE public.audit_log ADD CONSTRAINT audit_log_email_fk FOREIGN KEY (investor_email) REFERENCES app.investors (email) MATCH FULL NOT VALID;
CREATE UNLOGGED TABLE public.scratch (k text PRIMARY KEY, v text) WITH (fillfactor = 70);

CREATE TABLE app.ledger (id bigint NOT NULL, booked date NOT NULL, amount numeric) PARTITION BY RANGE (booked);
CREATE TABLE app.ledger_2024 PARTITION OF app.ledger FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ledger_booked_idx ON app.ledger (booked);

CREATE VIEW app.open_investors AS SELECT id, email FROM app.investors WHERE status = 'open';
CREATE MATERIALIZED VIEW app.totals AS SELECT investor_id, sum(amount) AS total FROM app.investments GROUP BY investor_id;
CREATE UNIQUE INDEX totals_investor_idx ON app.totals (investor_id);

CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;
CREATE TRIGGER investors_touch BEFORE UPDATE ON app.investors FOR EACH ROW EXECUTE FUNCTION app.touch();
`;
}

/** Objects made and dropped first, so the same schema ends up with other OIDs. */
export const OID_SHIFT_SQL = `
CREATE TABLE junk_a (id int PRIMARY KEY, x text); CREATE TYPE junk_e AS ENUM ('x');
CREATE TABLE junk_b (id serial PRIMARY KEY, y junk_e);
DROP TABLE junk_a, junk_b; DROP TYPE junk_e;
`;
