"""asyncio.wait_for that times out (its inner task is cancelled), then an explicit task.cancel().

The slow coroutine catches its cancellation only to print it, then lets it go on.
"""

import asyncio


async def slow(name):
    try:
        await asyncio.sleep(10)  # never finishes: cancelled
    except asyncio.CancelledError:
        print(f"{name} cancelled", flush=True)
        raise
    return name


async def main():
    try:
        await asyncio.wait_for(slow("inner"), timeout=0.05)  # times out
    except TimeoutError:
        print("wait_for timed out", flush=True)
    victim = asyncio.create_task(slow("victim"), name="victim")
    await asyncio.sleep(0.02)
    victim.cancel()
    try:
        await victim  # main waits for the cancelled task
    except asyncio.CancelledError:
        print("victim.cancelled() =", victim.cancelled(), flush=True)


asyncio.run(main())
