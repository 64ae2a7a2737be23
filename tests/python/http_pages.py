"""Fetches a few pages of Loopscope's demo API over raw HTTP/1.1, two at a time.

    python3 http_pages.py http://127.0.0.1:PORT/api/items [PAGES]

Each page is a GET /api/items?from=N&limit=10 on a connection of its own (asyncio.open_connection),
its response read head first, then exactly Content-Length bytes of JSON. A semaphore lets two
requests be in flight at once. Prints each page as it arrives, then the number of items.
"""

import asyncio
import json
import sys
import urllib.parse

PAGE = 10


async def fetch_page(host, port, path, start, limit):
    async with limit:  # at most two requests at once
        reader, writer = await asyncio.open_connection(host, port)
        request = f"GET {path}?from={start}&limit={PAGE} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("ascii"))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")  # the response head
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await reader.readexactly(length)  # the JSON body
        writer.close()
        await writer.wait_closed()
    page = json.loads(body)
    print(f"page from={start} status={status} count={page['count']} first={page['items'][0]['name']}", flush=True)
    return page["count"]


async def main(url, pages):
    parts = urllib.parse.urlsplit(url)
    limit = asyncio.Semaphore(2)
    counts = await asyncio.gather(*(fetch_page(parts.hostname, parts.port, parts.path, n * PAGE, limit)
                                    for n in range(pages)))
    print(f"items {sum(counts)}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: http_pages.py http://127.0.0.1:PORT/api/items [PAGES]")
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5))
