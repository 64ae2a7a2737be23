"""asyncio.gather with return_exceptions=True, then an asyncio.TaskGroup with one failing child.

gather collects two results and one exception as values; in the TaskGroup the failing child
(the first to wake) cancels its two siblings, and the group raises an ExceptionGroup that main
catches and prints.
"""

import asyncio


async def work(name, seconds):
    await asyncio.sleep(seconds)
    print(f"{name} done", flush=True)
    return name


async def fail(name, seconds):
    await asyncio.sleep(seconds)
    print(f"{name} raises", flush=True)
    raise ValueError(f"{name} failed")


async def main():
    results = await asyncio.gather(work("g1", 0.02), fail("g2", 0.01), work("g3", 0.03),
                                   return_exceptions=True)  # gather waits here
    print("gather:", results, flush=True)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(work("t1", 0.5), name="t1")
            group.create_task(fail("t2", 0.01), name="t2")
            group.create_task(work("t3", 1.0), name="t3")
        print("not reached", flush=True)
    except* ValueError as caught:
        print("caught", repr(caught.exceptions), flush=True)


asyncio.run(main())
