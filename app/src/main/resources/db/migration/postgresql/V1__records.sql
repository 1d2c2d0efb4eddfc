-- Writes made by drills and users. committed_at is the database's own clock at write time:
-- point-in-time restores and RPO are judged against it, never against an app's clock.
CREATE TABLE records (
    id           VARCHAR(64)  PRIMARY KEY,
    writer       VARCHAR(64)  NOT NULL,
    seq          BIGINT       NOT NULL,
    region       VARCHAR(64)  NOT NULL,
    committed_at TIMESTAMPTZ  NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX records_writer_seq ON records (writer, seq);
