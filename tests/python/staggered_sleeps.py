"""Three tasks sleep 0.3, 0.1 and 0.2 s, started in that order: they wake shortest first.

Each task prints when it wakes, so the output reads 0.1, 0.2, 0.3 and the timers fire in that order.
"""

import asyncio


async def sleeper(seconds):
    await asyncio.sleep(seconds)  # each sleeper's one wait
    print(f"woke after {seconds} s", flush=True)
    return seconds


async def main():
    tasks = [asyncio.create_task(sleeper(seconds)) for seconds in (0.3, 0.1, 0.2)]
    for task in tasks:
        await task  # main waits for each in the order they were started


asyncio.run(main())
