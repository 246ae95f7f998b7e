"""The project database's schema, as migrations registered in order.

Each migration is an SQL script run in its own transaction together with its row in
``_migrations``, so it is applied whole or not at all; a database
whose newest migration is newer than this code knows is refused, never "upgraded" down.
"""

from __future__ import annotations

Migration = tuple[int, str, str]  # (version, description, SQL script)

INITIAL = """
    CREATE TABLE recordings (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT,                       -- where it was imported from (NULL for app recordings)
        duration REAL NOT NULL,          -- s
        sample_rate INTEGER NOT NULL,    -- Hz
        channels INTEGER NOT NULL,
        format TEXT NOT NULL,
        speaker TEXT,
        added TEXT NOT NULL,             -- ISO 8601, UTC
        audio BLOB,                      -- the file's bytes when stored in the project
        audio_format TEXT
    );
    CREATE TABLE recording_paths (       -- every path a recording was seen under
        sha256 TEXT NOT NULL REFERENCES recordings(sha256),
        path TEXT NOT NULL,
        PRIMARY KEY (sha256, path)
    );
    CREATE TABLE speakers (
        name TEXT PRIMARY KEY,
        baseline TEXT NOT NULL,          -- SpeakerBaseline.to_dict() as JSON
        recordings INTEGER NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE tracks (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL REFERENCES recordings(sha256),
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        parameters TEXT NOT NULL,        -- JSON
        versions TEXT NOT NULL,          -- JSON
        times BLOB NOT NULL,             -- zlib-compressed float64
        track_values BLOB NOT NULL,      -- zlib-compressed float32, shape in 'shape'
        shape TEXT NOT NULL,
        bins BLOB,
        bin_unit TEXT,
        created TEXT NOT NULL,
        UNIQUE (sha256, name, parameters)
    );
    CREATE TABLE analyses (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL REFERENCES recordings(sha256),
        kind TEXT NOT NULL,              -- 'full' (model) or 'cues'
        start REAL NOT NULL,
        end REAL NOT NULL,
        model_name TEXT,
        model_version TEXT,
        model_trained INTEGER,
        label TEXT,
        probabilities TEXT,              -- JSON
        transcript TEXT,
        words TEXT,                      -- JSON
        rationale TEXT,
        citations TEXT,                  -- JSON
        cues TEXT NOT NULL,              -- JSON (CueSummary.to_dict())
        timings TEXT,                    -- JSON
        warnings TEXT,                   -- JSON
        created TEXT NOT NULL
    );
    CREATE INDEX analyses_sha ON analyses(sha256);
    CREATE INDEX analyses_label ON analyses(label);
    CREATE TABLE annotations (           -- append-only: see the triggers
        id INTEGER PRIMARY KEY,
        analysis_id INTEGER NOT NULL REFERENCES analyses(id),
        annotator TEXT NOT NULL,
        label TEXT NOT NULL,
        accepted INTEGER NOT NULL,       -- 1: the model's label accepted; 0: corrected
        notes TEXT NOT NULL DEFAULT '',
        judgements TEXT NOT NULL DEFAULT '[]',  -- JSON: per citation, agree or disagree
        created TEXT NOT NULL
    );
    CREATE TRIGGER annotations_append_only_update BEFORE UPDATE ON annotations
        BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
    CREATE TRIGGER annotations_append_only_delete BEFORE DELETE ON annotations
        BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
    CREATE TRIGGER analyses_append_only_update BEFORE UPDATE ON analyses
        BEGIN SELECT RAISE(ABORT, 'analyses are never changed, only added'); END;
    CREATE TABLE import_errors (
        path TEXT PRIMARY KEY,
        error TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL            -- JSON
    );
    CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, ref UNINDEXED, text,
                                           tokenize = 'porter unicode61');
    CREATE TRIGGER analyses_search AFTER INSERT ON analyses BEGIN
        INSERT INTO search(kind, ref, text) VALUES ('analysis', NEW.id,
            coalesce(NEW.transcript, '') || ' ' || coalesce(NEW.rationale, ''));
    END;
    CREATE TRIGGER annotations_search AFTER INSERT ON annotations WHEN NEW.notes != '' BEGIN
        INSERT INTO search(kind, ref, text) VALUES ('annotation', NEW.id, NEW.notes);
    END;
"""


FEATURES_AND_DATES = """
    CREATE TABLE features (              -- one feature set's functionals of one recording
        sha256 TEXT NOT NULL REFERENCES recordings(sha256),
        feature_set TEXT NOT NULL,       -- e.g. 'eGeMAPSv02'
        names TEXT NOT NULL,             -- JSON list, the set's own order
        units TEXT NOT NULL,             -- JSON list, one per name
        feature_values BLOB NOT NULL,    -- zlib-compressed float64, NaN: not measurable
        start REAL NOT NULL,             -- s, the part measured
        end REAL NOT NULL,
        versions TEXT NOT NULL,          -- JSON: library versions that computed it
        created TEXT NOT NULL,
        PRIMARY KEY (sha256, feature_set)
    );
    ALTER TABLE recordings ADD COLUMN recorded TEXT;         -- ISO 8601 date or time; NULL unknown
    ALTER TABLE recordings ADD COLUMN recorded_source TEXT;  -- 'name', 'file time', 'edited'
"""

# A transcript the recogniser doubts is not indexed as words said: a search for "nervous"
# must not find a clip in which nobody said it (the transcript is still shown, flagged).
BASELINE_AND_RELIABILITY = """
    ALTER TABLE analyses ADD COLUMN baseline TEXT;  -- JSON {name, recordings, voice_recordings}
    ALTER TABLE analyses ADD COLUMN transcript_reliability TEXT;  -- JSON; NULL: no transcript
    DROP TRIGGER analyses_search;
    CREATE TRIGGER analyses_search AFTER INSERT ON analyses BEGIN
        INSERT INTO search(kind, ref, text) VALUES ('analysis', NEW.id,
            CASE WHEN json_extract(NEW.transcript_reliability, '$.reliable') = 0 THEN ''
                 ELSE coalesce(NEW.transcript, '') END
            || ' ' || coalesce(NEW.rationale, ''));
    END;
"""

# One row per distinct cut of a recording (same detector, version and settings: the same
# cut, so a re-run's analyses join the row of the first). Analyses of its utterances point
# at it and carry their 1-based number; analyses of a whole recording or of a hand-made
# selection have NULL in both.
UTTERANCES = """
    CREATE TABLE segmentations (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL REFERENCES recordings(sha256),
        algorithm TEXT NOT NULL,         -- e.g. 'silero-vad'
        version TEXT NOT NULL,           -- the detector's package version
        settings TEXT NOT NULL,          -- JSON: SegmentSettings
        duration REAL NOT NULL,          -- s, of the recording cut
        utterances INTEGER NOT NULL,     -- how many the cut found
        created TEXT NOT NULL,
        UNIQUE (sha256, algorithm, version, settings)
    );
    ALTER TABLE analyses ADD COLUMN segmentation_id INTEGER REFERENCES segmentations(id);
    ALTER TABLE analyses ADD COLUMN utterance INTEGER;  -- 1-based; NULL: not an utterance
    CREATE INDEX analyses_segmentation ON analyses(segmentation_id, utterance);
"""

MIGRATIONS: list[Migration] = [
    (
        1,
        "initial schema: recordings, tracks, analyses, append-only annotations, audit, FTS5",
        INITIAL,
    ),
    (
        2,
        "analyses keep the rationale's review: its source, the model's draft, why rejected",
        "ALTER TABLE analyses ADD COLUMN rationale_review TEXT;  -- JSON, NULL: none asked",
    ),
    (
        3,
        "standard feature sets per recording (eGeMAPS) and the date each recording was made",
        FEATURES_AND_DATES,
    ),
    (
        4,
        "analyses keep how sure the label is: its prediction set and the unsure state",
        "ALTER TABLE analyses ADD COLUMN uncertainty TEXT;  -- JSON {label_set, ...}; NULL: none",
    ),
    (
        5,
        "analyses keep the baseline they used and how far their transcript can be trusted",
        BASELINE_AND_RELIABILITY,
    ),
    (
        6,
        "recordings cut into utterances: the cut's settings, and each utterance's analyses",
        UTTERANCES,
    ),
]
LATEST = MIGRATIONS[-1][0]
