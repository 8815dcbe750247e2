-- 023_client_search_rows.sql - client.list's search joins its page to clients by primary key
-- at every data size: client_search() says it returns a page (ROWS 20), not the default 1,000.
--
-- The handler joins client_search()'s rows to agency.clients under the policy. Planned for
-- 1,000 rows, that join hashed every client in scope once a hash of them cost less than 1,000
-- primary-key probes: at 10,000 clients a director's search read and hashed all 10,000 per
-- call (two thirds of its time), while at 100,000 the probes won again. A page is at most
-- limit + 1 rows (21 by default); the probes are then the cheaper plan at any size.
ALTER FUNCTION agency.client_search(text, text, text, int, text, text, bigint, bigint, boolean,
                                    int, bigint) ROWS 20;
