SELECT pg_catalog.pg_class.relname 
FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
WHERE pg_catalog.pg_class.relname IN (%(table_names_1)s::VARCHAR) AND pg_catalog.pg_class.relkind = ANY (ARRAY[%(param_1)s::VARCHAR, %(param_2)s::VARCHAR, %(param_3)s::VARCHAR, %(param_4)s::VARCHAR, %(param_5)s::VARCHAR]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != %(nspname_1)s::VARCHAR
-- parameters: {'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'table_names_1': 'alembic_version'}
-- ----------------------------------------------------------------------
SELECT pg_catalog.pg_class.relname 
FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
WHERE pg_catalog.pg_class.relname IN (%(table_names_1)s::VARCHAR) AND pg_catalog.pg_class.relkind = ANY (ARRAY[%(param_1)s::VARCHAR, %(param_2)s::VARCHAR, %(param_3)s::VARCHAR, %(param_4)s::VARCHAR, %(param_5)s::VARCHAR]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != %(nspname_1)s::VARCHAR
-- parameters: {'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'table_names_1': 'alembic_version'}
-- ----------------------------------------------------------------------
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)
-- ----------------------------------------------------------------------
CREATE TABLE actions (
	seq SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	summary TEXT NOT NULL, 
	payload TEXT NOT NULL, 
	group_guid VARCHAR(36), 
	reverts INTEGER, 
	undoable BOOLEAN NOT NULL, 
	CONSTRAINT pk_actions PRIMARY KEY (seq), 
	CONSTRAINT uq_actions_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
CREATE TABLE attributes (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	type VARCHAR(20) NOT NULL, 
	CONSTRAINT pk_attributes PRIMARY KEY (pk), 
	CONSTRAINT uq_attributes_guid UNIQUE (guid), 
	CONSTRAINT uq_attributes_name UNIQUE (name)
)
-- ----------------------------------------------------------------------
CREATE TABLE cases (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	name VARCHAR(400) NOT NULL, 
	description TEXT NOT NULL, 
	CONSTRAINT pk_cases PRIMARY KEY (pk), 
	CONSTRAINT uq_cases_guid UNIQUE (guid), 
	CONSTRAINT uq_cases_name UNIQUE (name)
)
-- ----------------------------------------------------------------------
CREATE TABLE coders (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	CONSTRAINT pk_coders PRIMARY KEY (pk), 
	CONSTRAINT uq_coders_guid UNIQUE (guid), 
	CONSTRAINT uq_coders_name UNIQUE (name)
)
-- ----------------------------------------------------------------------
CREATE TABLE codes (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	id VARCHAR(200) NOT NULL, 
	parent_pk INTEGER, 
	position INTEGER NOT NULL, 
	label TEXT NOT NULL, 
	description TEXT NOT NULL, 
	inclusion TEXT NOT NULL, 
	exclusion TEXT NOT NULL, 
	examples TEXT NOT NULL, 
	color VARCHAR(20), 
	key VARCHAR(10), 
	rules TEXT, 
	memo TEXT NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_codes PRIMARY KEY (pk), 
	CONSTRAINT fk_codes_parent_pk_codes FOREIGN KEY(parent_pk) REFERENCES codes (pk), 
	CONSTRAINT uq_codes_guid UNIQUE (guid), 
	CONSTRAINT uq_codes_id UNIQUE (id)
)
-- ----------------------------------------------------------------------
CREATE TABLE documents (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	name VARCHAR(400) NOT NULL, 
	text TEXT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	chars INTEGER NOT NULL, 
	lang VARCHAR(10), 
	source_path TEXT, 
	source_format VARCHAR(20) NOT NULL, 
	encoding VARCHAR(40) NOT NULL, 
	imported_at VARCHAR(40) NOT NULL, 
	meta TEXT NOT NULL, 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_documents PRIMARY KEY (pk), 
	CONSTRAINT uq_documents_guid UNIQUE (guid), 
	CONSTRAINT uq_documents_name UNIQUE (name)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_documents_sha256 ON documents (sha256)
-- ----------------------------------------------------------------------
CREATE TABLE memos (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	target_kind VARCHAR(20) NOT NULL, 
	target_guid VARCHAR(36), 
	author VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	updated VARCHAR(40) NOT NULL, 
	title TEXT NOT NULL, 
	text TEXT NOT NULL, 
	CONSTRAINT pk_memos PRIMARY KEY (pk), 
	CONSTRAINT uq_memos_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_memos_target ON memos (target_kind, target_guid)
-- ----------------------------------------------------------------------
CREATE TABLE review_comments (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	coding_guid VARCHAR(36) NOT NULL, 
	author VARCHAR(200) NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	text TEXT NOT NULL, 
	CONSTRAINT pk_review_comments PRIMARY KEY (pk), 
	CONSTRAINT uq_review_comments_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_review_comments_coding_guid ON review_comments (coding_guid)
-- ----------------------------------------------------------------------
CREATE TABLE settings (
	key VARCHAR(200) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_settings PRIMARY KEY (key)
)
-- ----------------------------------------------------------------------
CREATE TABLE tombstones (
	guid VARCHAR(36) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	deleted_at VARCHAR(40) NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	CONSTRAINT pk_tombstones PRIMARY KEY (guid)
)
-- ----------------------------------------------------------------------
CREATE TABLE case_attributes (
	case_pk INTEGER NOT NULL, 
	attribute_pk INTEGER NOT NULL, 
	value TEXT, 
	CONSTRAINT pk_case_attributes PRIMARY KEY (case_pk, attribute_pk), 
	CONSTRAINT fk_case_attributes_attribute_pk_attributes FOREIGN KEY(attribute_pk) REFERENCES attributes (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_case_attributes_case_pk_cases FOREIGN KEY(case_pk) REFERENCES cases (pk) ON DELETE CASCADE
)
-- ----------------------------------------------------------------------
CREATE TABLE case_sources (
	pk SERIAL NOT NULL, 
	case_pk INTEGER NOT NULL, 
	document_pk INTEGER NOT NULL, 
	speaker VARCHAR(200), 
	CONSTRAINT pk_case_sources PRIMARY KEY (pk), 
	CONSTRAINT fk_case_sources_case_pk_cases FOREIGN KEY(case_pk) REFERENCES cases (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_case_sources_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_case_sources_case_pk_document_pk_speaker UNIQUE (case_pk, document_pk, speaker)
)
-- ----------------------------------------------------------------------
CREATE TABLE code_aliases (
	alias VARCHAR(200) NOT NULL, 
	code_pk INTEGER NOT NULL, 
	CONSTRAINT pk_code_aliases PRIMARY KEY (alias), 
	CONSTRAINT fk_code_aliases_code_pk_codes FOREIGN KEY(code_pk) REFERENCES codes (pk) ON DELETE CASCADE
)
-- ----------------------------------------------------------------------
CREATE TABLE codings (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	document_pk INTEGER NOT NULL, 
	code_pk INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	quote TEXT NOT NULL, 
	memo TEXT, 
	origin VARCHAR(20) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	review VARCHAR(20) NOT NULL, 
	reviewer VARCHAR(200), 
	reviewed_at VARCHAR(40), 
	anchor VARCHAR(20) NOT NULL, 
	batch VARCHAR(36), 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_codings PRIMARY KEY (pk), 
	CONSTRAINT fk_codings_code_pk_codes FOREIGN KEY(code_pk) REFERENCES codes (pk), 
	CONSTRAINT fk_codings_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk), 
	CONSTRAINT uq_codings_document_pk_code_pk_start_end_coder UNIQUE (document_pk, code_pk, start, "end", coder), 
	CONSTRAINT uq_codings_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_codings_code_document ON codings (code_pk, document_pk)
-- ----------------------------------------------------------------------
CREATE INDEX ix_codings_document_start ON codings (document_pk, start)
-- ----------------------------------------------------------------------
CREATE TABLE document_marks (
	document_pk INTEGER NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	done BOOLEAN NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_document_marks PRIMARY KEY (document_pk, coder), 
	CONSTRAINT fk_document_marks_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE
)
-- ----------------------------------------------------------------------
CREATE TABLE suggestion_rejections (
	pk SERIAL NOT NULL, 
	document_pk INTEGER NOT NULL, 
	code_pk INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_suggestion_rejections PRIMARY KEY (pk), 
	CONSTRAINT fk_suggestion_rejections_code_pk_codes FOREIGN KEY(code_pk) REFERENCES codes (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_suggestion_rejections_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_suggestion_rejections_document_pk_code_pk_start_end UNIQUE (document_pk, code_pk, start, "end")
)
-- ----------------------------------------------------------------------
CREATE TABLE turns (
	pk SERIAL NOT NULL, 
	document_pk INTEGER NOT NULL, 
	ordinal INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	label_start INTEGER, 
	speaker VARCHAR(200), 
	role VARCHAR(20), 
	timestamp_ms INTEGER, 
	CONSTRAINT pk_turns PRIMARY KEY (pk), 
	CONSTRAINT fk_turns_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_turns_document_pk_ordinal UNIQUE (document_pk, ordinal)
)
-- ----------------------------------------------------------------------
CREATE TABLE sentences (
	pk SERIAL NOT NULL, 
	document_pk INTEGER NOT NULL, 
	turn_pk INTEGER, 
	ordinal INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	lemmas TEXT NOT NULL, 
	CONSTRAINT pk_sentences PRIMARY KEY (pk), 
	CONSTRAINT fk_sentences_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_sentences_turn_pk_turns FOREIGN KEY(turn_pk) REFERENCES turns (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_sentences_document_pk_ordinal UNIQUE (document_pk, ordinal)
)
-- ----------------------------------------------------------------------
INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num
-- ----------------------------------------------------------------------
CREATE TABLE sentence_search (sentence_pk integer PRIMARY KEY REFERENCES sentences (pk) ON DELETE CASCADE, text text NOT NULL, lemmas text NOT NULL)
-- ----------------------------------------------------------------------
CREATE INDEX ix_sentence_search_text ON sentence_search USING gin (to_tsvector('simple', text))
-- ----------------------------------------------------------------------
CREATE INDEX ix_sentence_search_lemmas ON sentence_search USING gin (to_tsvector('simple', lemmas))
-- ----------------------------------------------------------------------
INSERT INTO sentence_search (sentence_pk, text, lemmas)
SELECT s.pk, substr(d.text, s.start + 1, s."end" - s.start), s.lemmas
FROM sentences s JOIN documents d ON d.pk = s.document_pk
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001'
-- ----------------------------------------------------------------------
CREATE INDEX ix_turns_document_start ON turns (document_pk, start)
-- ----------------------------------------------------------------------
CREATE INDEX ix_sentences_document_start ON sentences (document_pk, start)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002'
-- ----------------------------------------------------------------------
ALTER TABLE codes ADD COLUMN codable BOOLEAN DEFAULT true NOT NULL
-- ----------------------------------------------------------------------
ALTER TABLE codings ADD COLUMN selection_guid VARCHAR(36)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0003'
-- ----------------------------------------------------------------------
CREATE TABLE adjudications (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	document_pk INTEGER NOT NULL, 
	consensus VARCHAR(200) NOT NULL, 
	key VARCHAR(64) NOT NULL, 
	code VARCHAR(200) NOT NULL, 
	coder_a VARCHAR(200) NOT NULL, 
	coder_b VARCHAR(200) NOT NULL, 
	decision VARCHAR(10) NOT NULL, 
	decided_by VARCHAR(200) NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_adjudications PRIMARY KEY (pk), 
	CONSTRAINT fk_adjudications_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_adjudications_document_pk_consensus_key UNIQUE (document_pk, consensus, key), 
	CONSTRAINT uq_adjudications_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
ALTER TABLE "actions" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "adjudications" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "coders" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "codings" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "document_marks" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "memos" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "review_comments" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "suggestion_rejections" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "tombstones" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_read" ON "codings" FOR SELECT USING (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_insert" ON "codings" FOR INSERT WITH CHECK (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_delete" ON "codings" FOR DELETE USING (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_update" ON "codings" FOR UPDATE USING (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_read" ON "actions" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_insert" ON "actions" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_read" ON "tombstones" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_insert" ON "tombstones" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_read" ON "memos" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_insert" ON "memos" FOR INSERT WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_update" ON "memos" FOR UPDATE USING (author = current_user) WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_delete" ON "memos" FOR DELETE USING (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_read" ON "review_comments" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_insert" ON "review_comments" FOR INSERT WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_read" ON "document_marks" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_insert" ON "document_marks" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_update" ON "document_marks" FOR UPDATE USING (coder = current_user) WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_delete" ON "document_marks" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_read" ON "suggestion_rejections" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_insert" ON "suggestion_rejections" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_delete" ON "suggestion_rejections" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_read" ON "adjudications" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_insert" ON "adjudications" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_update" ON "adjudications" FOR UPDATE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_delete" ON "adjudications" FOR DELETE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_read" ON "coders" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_insert" ON "coders" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND role = 'consensus')
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0005'
-- ----------------------------------------------------------------------
ALTER TABLE actions ADD COLUMN "window" VARCHAR(100)
-- ----------------------------------------------------------------------
ALTER TABLE review_comments ADD COLUMN sheet VARCHAR(36)
-- ----------------------------------------------------------------------
ALTER TABLE codings ADD COLUMN memo_author VARCHAR(200)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0015' WHERE alembic_version.version_num = '0008'
-- ----------------------------------------------------------------------
CREATE TABLE turn_speakers (
	pk SERIAL NOT NULL, 
	turn_pk INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	speaker VARCHAR(200) NOT NULL, 
	role VARCHAR(20), 
	CONSTRAINT pk_turn_speakers PRIMARY KEY (pk), 
	CONSTRAINT fk_turn_speakers_turn_pk_turns FOREIGN KEY(turn_pk) REFERENCES turns (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_turn_speakers_turn_pk_position UNIQUE (turn_pk, position)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_turn_speakers_speaker ON turn_speakers (speaker)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0014' WHERE alembic_version.version_num = '0015'
-- ----------------------------------------------------------------------
ALTER TABLE codings ADD COLUMN run_by VARCHAR(200)
-- ----------------------------------------------------------------------
SELECT quote_ident(current_schema())
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_read" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_insert" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_delete" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_update" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_read" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_insert" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_read" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_insert" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_read" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_insert" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_update" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_delete" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_read" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_insert" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_read" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_insert" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_update" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_delete" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_read" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_insert" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_delete" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_read" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_insert" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_update" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_delete" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_read" ON "coders"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_insert" ON "coders"
-- ----------------------------------------------------------------------
ALTER TABLE "actions" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "adjudications" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "coders" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "codings" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "document_marks" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "memos" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "review_comments" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "suggestion_rejections" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "tombstones" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
CREATE TABLE qc_review_kept (
    guid varchar(36) PRIMARY KEY,
    image jsonb NOT NULL
);
REVOKE ALL ON qc_review_kept FROM PUBLIC;

-- remember a reviewed coding as it is now (read from the table, never from the
-- caller: calling this directly records only the truth)
CREATE FUNCTION qc_keep_review(g text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO public.qc_review_kept (guid, image)
    SELECT c.guid, to_jsonb(c) FROM public.codings c
    WHERE c.guid = $1 AND (c.review <> 'unreviewed' OR c.reviewer IS NOT NULL
                          OR c.reviewed_at IS NOT NULL)
    ON CONFLICT (guid) DO UPDATE SET image = excluded.image
$$;

-- a verdict may come back only exactly as it was kept, once
CREATE FUNCTION qc_take_review(g text, wanted jsonb) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH taken AS (
        DELETE FROM public.qc_review_kept k WHERE k.guid = $1 AND k.image = $2 RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM taken)
$$;

-- a tombstone only for a guid that is no one else's live coding or memo, nor a code
CREATE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM public.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.codes k WHERE k.guid = $1)
$$;

CREATE FUNCTION qc_guard_codings() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    me text := current_user;
    sup boolean;
    consensus boolean;
    own boolean;
    review_changed boolean;
    other_changed boolean;
BEGIN
    IF me = (SELECT pg_get_userbyid(t.relowner) FROM pg_catalog.pg_class t
             WHERE t.oid = TG_RELID) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    sup := EXISTS (SELECT 1 FROM public.coders q WHERE q.name = me AND q.role = 'supervisor');
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'suggested' THEN
            IF NEW.coder <> 'rules' OR NEW.run_by IS DISTINCT FROM me THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a suggestion for someone else (a suggestion is coder rules, run_by the role that ran the rules)';
            END IF;
        ELSIF NEW.coder <> me THEN
            consensus := EXISTS (SELECT 1 FROM public.coders q
                                 WHERE q.name = NEW.coder AND q.role = 'consensus');
            IF NOT (sup AND consensus) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a coding of ' || NEW.coder || ' (coders add only their own codings)';
            END IF;
        END IF;
        IF NEW.review IS DISTINCT FROM 'unreviewed' OR NEW.reviewer IS NOT NULL
           OR NEW.reviewed_at IS NOT NULL THEN
            IF NOT public.qc_take_review(NEW.guid, to_jsonb(NEW)) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a coding with a review, reviewer or review time (only a supervisor reviews, on the coding itself)';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        own := OLD.coder = me OR (OLD.status = 'suggested' AND OLD.run_by = me);
        consensus := EXISTS (SELECT 1 FROM public.coders q
                             WHERE q.name = OLD.coder AND q.role = 'consensus');
        IF NOT (own OR (sup AND consensus)) THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not remove a coding of ' || OLD.coder || ' (coders remove only their own codings)';
        END IF;
        IF OLD.review <> 'unreviewed' OR OLD.reviewer IS NOT NULL OR OLD.reviewed_at IS NOT NULL THEN
            PERFORM public.qc_keep_review(OLD.guid);
        END IF;
        RETURN OLD;
    END IF;
    -- UPDATE
    IF (NEW.pk, NEW.guid, NEW.document_pk, NEW.created, NEW.origin, NEW.run_by, NEW.batch, NEW.selection_guid, NEW.anchor) IS DISTINCT FROM (OLD.pk, OLD.guid, OLD.document_pk, OLD.created, OLD.origin, OLD.run_by, OLD.batch, OLD.selection_guid, OLD.anchor) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change what a coding is (its guid, document, creation, origin, run, batch, selection or anchor)';
    END IF;
    review_changed := (NEW.review, NEW.reviewer, NEW.reviewed_at)
        IS DISTINCT FROM (OLD.review, OLD.reviewer, OLD.reviewed_at);
    other_changed := (to_jsonb(NEW) - 'review' - 'reviewer' - 'reviewed_at')
        IS DISTINCT FROM (to_jsonb(OLD) - 'review' - 'reviewer' - 'reviewed_at');
    own := OLD.coder = me;
    IF other_changed THEN
        IF own THEN
            IF NEW.coder <> me AND NOT (NEW.coder = 'rules' AND NEW.status = 'suggested'
                                        AND OLD.run_by IS NOT NULL) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not give a coding to ' || NEW.coder;
            END IF;
            IF NEW.status = 'suggested' AND NEW.coder = me THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not turn a coding into a suggestion';
            END IF;
        ELSIF OLD.status = 'suggested' AND OLD.coder = 'rules' THEN
            IF NOT (NEW.coder = me AND NEW.status = 'accepted'
                    AND (to_jsonb(NEW) - 'coder' - 'status' - 'version')
                        = (to_jsonb(OLD) - 'coder' - 'status' - 'version')) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change a suggestion of ' || coalesce(OLD.run_by, 'the rules') || ' but to accept it (it becomes theirs unchanged)';
            END IF;
        ELSE
            consensus := EXISTS (SELECT 1 FROM public.coders q
                                 WHERE q.name = OLD.coder AND q.role = 'consensus');
            IF NOT (sup AND consensus) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change a coding of ' || OLD.coder || ' (coders change only their own codings; supervisors only the review of others)';
            END IF;
        END IF;
    END IF;
    IF review_changed AND NOT sup THEN
        IF own AND NEW.review = 'unreviewed'
           AND (NEW.reviewer, NEW.reviewed_at) IS NOT DISTINCT FROM (OLD.reviewer, OLD.reviewed_at)
        THEN
            -- the reset of 'review revise': kept, so that an undo can bring it back
            PERFORM public.qc_keep_review(OLD.guid);
        ELSIF NOT (own AND public.qc_take_review(NEW.guid, to_jsonb(NEW))) THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not set the review, reviewer or review time of a coding (only a supervisor reviews)';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER qc_guard_codings BEFORE INSERT OR UPDATE OR DELETE ON codings
FOR EACH ROW EXECUTE FUNCTION qc_guard_codings();
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_read" ON "codings" FOR SELECT USING (coder = current_user OR run_by = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_insert" ON "codings" FOR INSERT WITH CHECK ((coder = current_user AND status <> 'suggested') OR (coder = 'rules' AND status = 'suggested' AND run_by = current_user) OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_delete" ON "codings" FOR DELETE USING (coder = current_user OR (status = 'suggested' AND run_by = current_user) OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_update" ON "codings" FOR UPDATE USING (coder = current_user OR (coder = 'rules' AND status = 'suggested') OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (coder = current_user OR (coder = 'rules' AND status = 'suggested') OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_read" ON "actions" FOR SELECT USING (coder = current_user OR NOT undoable OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_insert" ON "actions" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_read" ON "tombstones" FOR SELECT USING (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_insert" ON "tombstones" FOR INSERT WITH CHECK (coder = current_user AND qc_tombstone_allowed(guid, current_user::text))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_delete" ON "tombstones" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_read" ON "memos" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_insert" ON "memos" FOR INSERT WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_update" ON "memos" FOR UPDATE USING (author = current_user) WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_delete" ON "memos" FOR DELETE USING (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_read" ON "review_comments" FOR SELECT USING (author = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')) OR EXISTS (SELECT 1 FROM codings c WHERE c.guid = coding_guid))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_insert" ON "review_comments" FOR INSERT WITH CHECK (author = current_user AND (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR kind IN ('comment', 'reply') OR (kind = 'revision' AND EXISTS (SELECT 1 FROM codings c WHERE c.guid = coding_guid AND c.coder = current_user))))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_delete" ON "review_comments" FOR DELETE USING (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_read" ON "document_marks" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_insert" ON "document_marks" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_update" ON "document_marks" FOR UPDATE USING (coder = current_user) WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_delete" ON "document_marks" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_read" ON "suggestion_rejections" FOR SELECT USING (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_insert" ON "suggestion_rejections" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_delete" ON "suggestion_rejections" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_read" ON "adjudications" FOR SELECT USING ((EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_insert" ON "adjudications" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_update" ON "adjudications" FOR UPDATE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_delete" ON "adjudications" FOR DELETE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_read" ON "coders" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_insert" ON "coders" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND role = 'consensus')
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0016' WHERE alembic_version.version_num = '0014'
-- ----------------------------------------------------------------------
CREATE TABLE workbench_state (
	coder VARCHAR(200) NOT NULL, 
	state TEXT NOT NULL, 
	updated VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_workbench_state PRIMARY KEY (coder)
)
-- ----------------------------------------------------------------------
ALTER TABLE "workbench_state" ENABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
CREATE POLICY "qc_state_read" ON "workbench_state" FOR SELECT USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_state_insert" ON "workbench_state" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_state_update" ON "workbench_state" FOR UPDATE USING (coder = current_user) WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_state_delete" ON "workbench_state" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0017' WHERE alembic_version.version_num = '0016'
-- ----------------------------------------------------------------------
ALTER TABLE documents ADD COLUMN state VARCHAR(20)
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0018' WHERE alembic_version.version_num = '0017'
-- ----------------------------------------------------------------------
ALTER TABLE codes ADD COLUMN valence VARCHAR(10)
-- ----------------------------------------------------------------------
CREATE TABLE themes (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	id VARCHAR(200) NOT NULL, 
	parent_pk INTEGER, 
	position INTEGER NOT NULL, 
	label TEXT NOT NULL, 
	definition TEXT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	reason TEXT NOT NULL, 
	color VARCHAR(20), 
	coder VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_themes PRIMARY KEY (pk), 
	CONSTRAINT fk_themes_parent_pk_themes FOREIGN KEY(parent_pk) REFERENCES themes (pk), 
	CONSTRAINT uq_themes_guid UNIQUE (guid), 
	CONSTRAINT uq_themes_id UNIQUE (id)
)
-- ----------------------------------------------------------------------
CREATE TABLE theme_codes (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	theme_pk INTEGER NOT NULL, 
	code_pk INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_theme_codes PRIMARY KEY (pk), 
	CONSTRAINT fk_theme_codes_theme_pk_themes FOREIGN KEY(theme_pk) REFERENCES themes (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_theme_codes_code_pk_codes FOREIGN KEY(code_pk) REFERENCES codes (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_theme_codes_guid UNIQUE (guid), 
	CONSTRAINT uq_theme_codes_theme_pk_code_pk UNIQUE (theme_pk, code_pk)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_theme_codes_code_pk ON theme_codes (code_pk)
-- ----------------------------------------------------------------------
CREATE TABLE theme_extracts (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	theme_pk INTEGER NOT NULL, 
	coding_guid VARCHAR(36) NOT NULL, 
	position INTEGER NOT NULL, 
	translation TEXT NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_theme_extracts PRIMARY KEY (pk), 
	CONSTRAINT fk_theme_extracts_theme_pk_themes FOREIGN KEY(theme_pk) REFERENCES themes (pk) ON DELETE CASCADE, 
	CONSTRAINT uq_theme_extracts_guid UNIQUE (guid), 
	CONSTRAINT uq_theme_extracts_theme_pk_coding_guid UNIQUE (theme_pk, coding_guid)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_theme_extracts_coding_guid ON theme_extracts (coding_guid)
-- ----------------------------------------------------------------------
CREATE TABLE relations (
	pk SERIAL NOT NULL, 
	guid VARCHAR(36) NOT NULL, 
	source_kind VARCHAR(20) NOT NULL, 
	source_guid VARCHAR(36) NOT NULL, 
	target_kind VARCHAR(20) NOT NULL, 
	target_guid VARCHAR(36) NOT NULL, 
	type VARCHAR(60) NOT NULL, 
	directed BOOLEAN NOT NULL, 
	memo TEXT NOT NULL, 
	coder VARCHAR(200) NOT NULL, 
	created VARCHAR(40) NOT NULL, 
	CONSTRAINT pk_relations PRIMARY KEY (pk), 
	CONSTRAINT uq_relations_guid UNIQUE (guid)
)
-- ----------------------------------------------------------------------
CREATE INDEX ix_relations_source ON relations (source_kind, source_guid)
-- ----------------------------------------------------------------------
CREATE INDEX ix_relations_target ON relations (target_kind, target_guid)
-- ----------------------------------------------------------------------
SELECT quote_ident(current_schema())
-- ----------------------------------------------------------------------
CREATE OR REPLACE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM public.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.codes k WHERE k.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM public.themes t WHERE t.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM public.theme_codes tc WHERE tc.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM public.theme_extracts te WHERE te.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM public.relations r WHERE r.guid = $1)
$$;
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0019' WHERE alembic_version.version_num = '0018'
-- ----------------------------------------------------------------------
SELECT pg_catalog.pg_class.relname 
FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
WHERE pg_catalog.pg_class.relname IN (%(table_names_1)s::VARCHAR) AND pg_catalog.pg_class.relkind = ANY (ARRAY[%(param_1)s::VARCHAR, %(param_2)s::VARCHAR, %(param_3)s::VARCHAR, %(param_4)s::VARCHAR, %(param_5)s::VARCHAR]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != %(nspname_1)s::VARCHAR
-- parameters: {'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'table_names_1': 'alembic_version'}
-- ----------------------------------------------------------------------
SELECT alembic_version.version_num 
FROM alembic_version
-- ----------------------------------------------------------------------
SELECT quote_ident(current_schema())
-- ----------------------------------------------------------------------
CREATE OR REPLACE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM public.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM public.codes k WHERE k.guid = $1)
$$;
-- ----------------------------------------------------------------------
DROP TABLE relations
-- ----------------------------------------------------------------------
DROP TABLE theme_extracts
-- ----------------------------------------------------------------------
DROP TABLE theme_codes
-- ----------------------------------------------------------------------
DROP TABLE themes
-- ----------------------------------------------------------------------
ALTER TABLE codes DROP COLUMN valence
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0018' WHERE alembic_version.version_num = '0019'
-- ----------------------------------------------------------------------
ALTER TABLE documents DROP COLUMN state
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0017' WHERE alembic_version.version_num = '0018'
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_state_read" ON "workbench_state"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_state_insert" ON "workbench_state"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_state_update" ON "workbench_state"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_state_delete" ON "workbench_state"
-- ----------------------------------------------------------------------
DROP TABLE workbench_state
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0016' WHERE alembic_version.version_num = '0017'
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_read" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_insert" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_delete" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_update" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_read" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_insert" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_read" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_insert" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_delete" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_read" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_insert" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_update" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_delete" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_read" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_insert" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_delete" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_read" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_insert" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_update" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_delete" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_read" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_insert" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_delete" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_read" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_insert" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_update" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_delete" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_read" ON "coders"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_insert" ON "coders"
-- ----------------------------------------------------------------------
DROP TRIGGER IF EXISTS qc_guard_codings ON codings;
DROP FUNCTION IF EXISTS qc_guard_codings();
DROP FUNCTION IF EXISTS qc_tombstone_allowed(text, text);
DROP FUNCTION IF EXISTS qc_take_review(text, jsonb);
DROP FUNCTION IF EXISTS qc_keep_review(text);
DROP TABLE IF EXISTS qc_review_kept;
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_read" ON "codings" FOR SELECT USING (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') OR NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_insert" ON "codings" FOR INSERT WITH CHECK (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_delete" ON "codings" FOR DELETE USING (coder = current_user OR (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_codings_update" ON "codings" FOR UPDATE USING (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (coder = current_user OR EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_read" ON "actions" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_actions_insert" ON "actions" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_read" ON "tombstones" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_tombstones_insert" ON "tombstones" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_read" ON "memos" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_insert" ON "memos" FOR INSERT WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_update" ON "memos" FOR UPDATE USING (author = current_user) WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_memos_delete" ON "memos" FOR DELETE USING (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_read" ON "review_comments" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_comments_insert" ON "review_comments" FOR INSERT WITH CHECK (author = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_read" ON "document_marks" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_insert" ON "document_marks" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_update" ON "document_marks" FOR UPDATE USING (coder = current_user) WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_marks_delete" ON "document_marks" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_read" ON "suggestion_rejections" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_insert" ON "suggestion_rejections" FOR INSERT WITH CHECK (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_rejections_delete" ON "suggestion_rejections" FOR DELETE USING (coder = current_user)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_read" ON "adjudications" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_insert" ON "adjudications" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_update" ON "adjudications" FOR UPDATE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')) WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_adjudications_delete" ON "adjudications" FOR DELETE USING (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor'))
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_read" ON "coders" FOR SELECT USING (true)
-- ----------------------------------------------------------------------
CREATE POLICY "qc_coders_insert" ON "coders" FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor') AND role = 'consensus')
-- ----------------------------------------------------------------------
ALTER TABLE codings DROP COLUMN run_by
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0014' WHERE alembic_version.version_num = '0016'
-- ----------------------------------------------------------------------
DROP INDEX ix_turn_speakers_speaker
-- ----------------------------------------------------------------------
DROP TABLE turn_speakers
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0015' WHERE alembic_version.version_num = '0014'
-- ----------------------------------------------------------------------
ALTER TABLE codings DROP COLUMN memo_author
-- ----------------------------------------------------------------------
ALTER TABLE review_comments DROP COLUMN sheet
-- ----------------------------------------------------------------------
ALTER TABLE actions DROP COLUMN "window"
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0015'
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_read" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_insert" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_delete" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_codings_update" ON "codings"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_read" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_actions_insert" ON "actions"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_read" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_tombstones_insert" ON "tombstones"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_read" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_insert" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_update" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_memos_delete" ON "memos"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_read" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_comments_insert" ON "review_comments"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_read" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_insert" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_update" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_marks_delete" ON "document_marks"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_read" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_insert" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_rejections_delete" ON "suggestion_rejections"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_read" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_insert" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_update" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_adjudications_delete" ON "adjudications"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_read" ON "coders"
-- ----------------------------------------------------------------------
DROP POLICY IF EXISTS "qc_coders_insert" ON "coders"
-- ----------------------------------------------------------------------
ALTER TABLE "actions" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "adjudications" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "coders" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "codings" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "document_marks" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "memos" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "review_comments" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "suggestion_rejections" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
ALTER TABLE "tombstones" DISABLE ROW LEVEL SECURITY
-- ----------------------------------------------------------------------
DROP TABLE adjudications
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0008'
-- ----------------------------------------------------------------------
ALTER TABLE codings DROP COLUMN selection_guid
-- ----------------------------------------------------------------------
ALTER TABLE codes DROP COLUMN codable
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0005'
-- ----------------------------------------------------------------------
DROP INDEX ix_sentences_document_start
-- ----------------------------------------------------------------------
DROP INDEX ix_turns_document_start
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003'
-- ----------------------------------------------------------------------
DROP TABLE IF EXISTS sentence_search
-- ----------------------------------------------------------------------
UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002'
-- ----------------------------------------------------------------------
DROP TABLE sentences
-- ----------------------------------------------------------------------
DROP TABLE turns
-- ----------------------------------------------------------------------
DROP TABLE suggestion_rejections
-- ----------------------------------------------------------------------
DROP TABLE document_marks
-- ----------------------------------------------------------------------
DROP INDEX ix_codings_document_start
-- ----------------------------------------------------------------------
DROP INDEX ix_codings_code_document
-- ----------------------------------------------------------------------
DROP TABLE codings
-- ----------------------------------------------------------------------
DROP TABLE code_aliases
-- ----------------------------------------------------------------------
DROP TABLE case_sources
-- ----------------------------------------------------------------------
DROP TABLE case_attributes
-- ----------------------------------------------------------------------
DROP TABLE tombstones
-- ----------------------------------------------------------------------
DROP TABLE settings
-- ----------------------------------------------------------------------
DROP INDEX ix_review_comments_coding_guid
-- ----------------------------------------------------------------------
DROP TABLE review_comments
-- ----------------------------------------------------------------------
DROP INDEX ix_memos_target
-- ----------------------------------------------------------------------
DROP TABLE memos
-- ----------------------------------------------------------------------
DROP INDEX ix_documents_sha256
-- ----------------------------------------------------------------------
DROP TABLE documents
-- ----------------------------------------------------------------------
DROP TABLE codes
-- ----------------------------------------------------------------------
DROP TABLE coders
-- ----------------------------------------------------------------------
DROP TABLE cases
-- ----------------------------------------------------------------------
DROP TABLE attributes
-- ----------------------------------------------------------------------
DROP TABLE actions
-- ----------------------------------------------------------------------
DELETE FROM alembic_version WHERE alembic_version.version_num = '0001'
