-- session_sid as PostgreSQL can inline it. Declared immutable, its body calls convert_to, which is only stable: the
-- planner does not inline a function whose body is more volatile than the function says, so every statement that
-- issued a code ran it as a separate SQL function, parsed, analysed and planned again on each execution (14 % of
-- PostgreSQL's CPU in the SSO flow, perf profile of 2026-12-06, README « Performance »). Stable is what the body is:
-- the same definition and values, now expanded into the calling statement. Nothing indexes it (an index expression
-- would need immutable).
create or replace function session_sid(session_hash bytea, client_id text) returns text
    language sql stable strict parallel safe
    as $$ select rtrim(translate(encode(sha256(session_hash || convert_to('|sid|' || client_id, 'UTF8')), 'base64'),
                                 '+/', '-_'), '=') $$;
