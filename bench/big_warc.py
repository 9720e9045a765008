#!/usr/bin/env python3
"""Writes a large .warc.gz for the web-archive benchmark: every page of a folder of saved
pages (the evaluation pages of ../shared/corpora/html-extraction, unpacked) COPIES times under
different URLs, one gzip member per record, with warcio (pip install warcio).

  bench/big_warc.py PAGES_DIR OUT.warc.gz COPIES
"""
import io
import os
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

pages_dir, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = sorted(os.listdir(pages_dir))
with open(out, "wb") as f:
    writer = WARCWriter(f, gzip=True)
    for copy in range(copies):
        for name in pages:
            with open(os.path.join(pages_dir, name), "rb") as page:
                data = page.read()
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"http://copy{copy}.example/{name}", "response",
                payload=io.BytesIO(data), http_headers=head)
            writer.write_record(record)
