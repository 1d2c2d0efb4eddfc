-- Writes made by drills and users. committed_at is the database's own clock (UTC) at write time:
-- point-in-time restores and RPO are judged against it, never against an app's clock.
CREATE TABLE records (
    id           NVARCHAR(64)  NOT NULL CONSTRAINT pk_records PRIMARY KEY,
    writer       NVARCHAR(64)  NOT NULL,
    seq          BIGINT        NOT NULL,
    region       NVARCHAR(64)  NOT NULL,
    committed_at DATETIME2(6)  NOT NULL CONSTRAINT df_records_committed_at DEFAULT SYSUTCDATETIME()
);

CREATE INDEX records_writer_seq ON records (writer, seq);
