"""How bench/run.py measures, as docs/performance.md tells it (filled in with the run's plan by
perf_report_md.markdown)."""

METHOD = """## How it was measured

- **Installations.** Each database gets three data sets of its own, made by the service's
  commands in a temporary folder (SQLite files; PostgreSQL databases `bench_<random>` created
  on 127.0.0.1:5432 and dropped at the end): *small* ({small} cases, `flask demo scale`),
  *big* ({page} cases{grown}: each `flask demo scale` adds its own employers, about 200
  cases each over ten years, its own insurer and inspectors)
  and *work* (`flask demo`, then one employer with a year of over {hi} register rows).
- **Under gunicorn** (2 sync workers, `wsgi:app`, loopback, the start-up scan of the document
  store switched off), at {page} cases: the specialist of the employer with the most cases
  logs in once through the login form; wrk (2 threads, 16 connections, {seconds} s, after a
  2 s warm-up) sends that session cookie. The case page rotates over {case_pages} of the employer's
  cases (all answering 200, checked before and after), the list is its first page. A bare
  Flask hello-world (`bench/hello.py`) is served the same way at the same time; the three
  are measured in turn, {rounds} round(s), and the median taken.
- **The list and the statistics** are measured in-process (the Flask test client: the
  whole view and template, no HTTP server), with sessions opened through the login form, for
  three people of each size: the specialist of the employer with the most cases, an inspector
  of the region with the most serious cases and the insurer with the most cases handed to it.
  Pages: the first; a deep one (the keyset cursor halfway down what the person sees); a
  status filter (investigating; for the insurer, insurer notified); the overdue filter. The
  statistics service for one organisation-year (the employer, last whole year) and, for
  information, the inspector's and the insurer's scope for that year, the inspector's
  statistics page and dashboard (the page and every chart). Both sizes live in one process
  and are measured call by call in alternation, {list_rounds} rounds after 2 warm-up rounds;
  a call stops being repeated once it has taken {budget:.0f} s in all (at least 3 samples), and a
  statement running past {limit:.0f} s is stopped. The SQL statements of one more call of each
  are recorded, with the plan of the slowest (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
  PLAN on SQLite).
- **Act N-1**: {reps} light cases of the demo employer, prepared untimed in the
  investigating stage, each taken through `cases.advance(case, chair, "draft_act")` and the
  commit; alternating with a bare docxtpl render (new `DocxTemplate`, render, save) of the
  same template with the same context, built as `services/documents.issue` builds it — the
  rendered text is compared with the stored act. Ratio of the medians.
- **Register exports**: the register of that employer's year through
  `register.register_stream` into `register_export.write_csv` / `write_xlsx` (the download's
  code) into a file, the first {lo} and {hi} rows, each export in a process of its own whose
  peak RSS comes from `os.wait4` (ru_maxrss).
- **Worker memory**: VmRSS of both gunicorn workers after all the wrk rounds."""
