"""Never ends on its own: a task sleeps 0.05 s again and again and prints a count each time.

The test stops it (SIGTERM to loopscope) after a while.
"""

import asyncio


async def tick():
    count = 0
    while True:
        await asyncio.sleep(0.05)  # the endless wait
        count += 1
        print(f"tick {count}", flush=True)


async def main():
    await asyncio.create_task(tick(), name="ticker")


asyncio.run(main())
