"""Does a little asyncio work, then leaves with sys.exit(3) after asyncio.run returns.

Loopscope passes the status on: `loopscope trace` exits with 3 too.
"""

import asyncio
import sys


async def step(n):
    await asyncio.sleep(0.01 * n)
    return n * n


async def main():
    squares = await asyncio.gather(step(1), step(2))
    print("squares", squares, flush=True)
    return sum(squares)


total = asyncio.run(main())
print("exiting with status 3", flush=True)
sys.exit(3)
