"""A plain callback that blocks the loop with time.sleep(0.25) while a task waits on a timer.

loop.call_later schedules block() to run after 0.02 s; it holds the whole loop for 0.25 s, so the
waiting task's 0.05 s sleep ends late. The recorder reports block() as a slow step.
"""

import asyncio
import time


def block(started):
    print("block() starts", flush=True)
    time.sleep(0.25)  # blocks the loop: nothing else runs meanwhile
    print("block() ends", flush=True)


def note():
    print("note() runs", flush=True)


async def waiter(started):
    await asyncio.sleep(0.05)  # due while block() holds the loop
    late = time.monotonic() - started
    print(f"waiter woke after {late:.2f} s", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    loop.call_soon(note)
    loop.call_later(0.02, block, started)
    await waiter(started)


asyncio.run(main())
