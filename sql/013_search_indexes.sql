-- 013_search_indexes.sql - client search and duplicate detection without surprises:
--   * accents and Turkish letters fold in normalised names (unaccent, a trusted extension):
--     "Koç Holding" and "Koc Holding", "Yılmaz" and "Yilmaz" become equal; existing rows are
--     normalised again (their updated_at and version untouched);
--   * a trigram index on normalised registration numbers (client.list {q} finds numbers that
--     contain the query);
--   * no JIT compilation for this database's short requests (a search's cost estimate could
--     start a second of compiling for a query that runs in milliseconds).

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE OR REPLACE FUNCTION agency.normalize_name(p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    s text;
    prev text;
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    s := lower(p);
    -- punctuation and spacing of any script become one space (suffixes are matched as words)
    s := regexp_replace(s,
        '[[:punct:][:space:]，。、．・·（）()「」『』【】《》〈〉：；！？“”‘’"''«»،؛؟۔ـ　&+/\\-]+',
        ' ', 'g');
    s := btrim(s);
    s := regexp_replace(s, '^(شركة|مؤسسة)\s(\S)', '\2');
    FOR i IN 1..6 LOOP
        prev := s;
        s := regexp_replace(s,
            '\s(co|company|corp|corporation|inc|incorporated|llc|ltd|limited|plc|group|gmbh|ag'
            '|s p a|spa|s r l|srl|s a s|sas|s n c|snc|s a|sa|a ş|aş|a s|ltd şti|ltd sti'
            '|limited şirketi|anonim şirketi|şti|sti|ش م م|ش م ع|ذ م م|ش ذ م م)$', '');
        s := regexp_replace(s, '(\S)\s?(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)$', '\1');
        s := btrim(s);
        EXIT WHEN s = prev;
    END LOOP;
    -- accents and Turkish letters folded (ç c, ğ g, ı i, ş s, é e ...) once the suffixes are gone
    s := public.unaccent('public.unaccent'::regdictionary, replace(s, ' ', ''));
    IF s = '' THEN
        -- a name that is nothing but a suffix or punctuation keeps its letters
        s := regexp_replace(lower(p), '[[:punct:][:space:]]+', '', 'g');
    END IF;
    RETURN s;
END $$;

ALTER TABLE agency.clients DISABLE TRIGGER clients_normalise;
UPDATE agency.clients SET name_norm = agency.normalize_name(name),
    legal_norm = agency.normalize_name(legal_name);
ALTER TABLE agency.clients ENABLE TRIGGER clients_normalise;
ALTER TABLE agency.contacts DISABLE TRIGGER contacts_normalise;
UPDATE agency.contacts SET name_norm = agency.normalize_name(name);
ALTER TABLE agency.contacts ENABLE TRIGGER contacts_normalise;

CREATE INDEX clients_reg_trgm_idx ON agency.clients USING gin (reg_norm gin_trgm_ops);

DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END $$;
