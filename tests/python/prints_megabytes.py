"""Prints about 5 MB to stdout while a few tasks run: the output passes through Loopscope whole.

Four writer tasks each print 200 chunks of 64 numbered lines (100 bytes a line with the newline),
yielding to the loop after each chunk; main prints the byte count at the end.
"""

import asyncio
import sys

WRITERS = 4
CHUNKS = 200
LINES = 64
WIDTH = 100  # bytes a line, newline included


async def writer(number):
    written = 0
    for chunk in range(CHUNKS):
        lines = []
        for line in range(LINES):
            head = f"writer {number} chunk {chunk:03d} line {line:02d} "
            lines.append(head + "x" * (WIDTH - 1 - len(head)) + "\n")
        text = "".join(lines)
        sys.stdout.write(text)
        written += len(text)
        await asyncio.sleep(0)  # lets the other writers in
    return written


async def main():
    totals = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    total = sum(totals)
    sys.stdout.write(f"total {total}\n")
    sys.stdout.flush()
    return total


asyncio.run(main())
