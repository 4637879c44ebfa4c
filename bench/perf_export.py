"""One register export for bench/run.py, in a process of its own so that its peak resident
memory is the export's (the parent reads it with os.wait4):

    python bench/perf_export.py URL DIR ORG_ID YEAR csv|xlsx ROWS OUT [--profile]

Streams the first ROWS rows of the organisation's accident register for YEAR in Russian
through the service (register.register_stream) into the exporter the register's download uses
(register_export.write_csv / write_xlsx), into the file OUT. ROWS 0 loads everything but
exports nothing: the memory the process needs anyway. Prints one JSON object: the rows
written, the seconds the export took, the file's size (and with --profile a cProfile)."""

from __future__ import annotations

import json
import sys
import time
from itertools import islice
from pathlib import Path

from perf_inproc import _app
from perf_profile import python_profile


def main(argv: list[str]) -> None:
    url, folder, org_id, year, fmt, rows, out, *flags = argv
    app = _app(url, folder)
    from incidents.models import CaseKind
    from incidents.services import register, register_export

    counted = [0]

    def export() -> None:
        with app.app_context():
            columns = register_export.register_columns(CaseKind.accident.value, "ru")
            lines = islice(register.register_stream(int(org_id), int(year), "ru"), int(rows))

            def counting():
                for line in lines:
                    counted[0] += 1
                    yield line

            with Path(out).open("wb") as fh:
                writer = register_export.write_csv if fmt == "csv" else register_export.write_xlsx
                writer(counting(), fh, columns)

    if int(rows) == 0:
        with app.app_context():  # connect and load what an export would load, write nothing
            register.register_stream(int(org_id), int(year), "ru")
        print(json.dumps({"rows": 0, "seconds": 0.0, "bytes": 0}))
        return
    if "--profile" in flags:
        print(json.dumps({"profile": python_profile(export, 1)}))
        return
    started = time.perf_counter()
    export()
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": counted[0], "seconds": seconds, "bytes": Path(out).stat().st_size}))


if __name__ == "__main__":
    main(sys.argv[1:])
