"""A producer and a consumer over asyncio.Queue(maxsize=2).

The producer puts five items as fast as it can, so it waits for room once the queue is full; the
consumer takes them one at a time, a little slowly, and waits when the queue is empty. None ends
the stream.
"""

import asyncio

ITEMS = 5


async def producer(queue):
    for item in range(ITEMS):
        await queue.put(item)  # waits while the queue is full
        print(f"put {item}", flush=True)
    await queue.put(None)
    print("put end", flush=True)


async def consumer(queue):
    total = 0
    while True:
        item = await queue.get()  # waits while the queue is empty
        if item is None:
            break
        print(f"got {item}", flush=True)
        total += item
        await asyncio.sleep(0.01)
    print(f"total {total}", flush=True)
    return total


async def main():
    queue = asyncio.Queue(maxsize=2)
    consuming = asyncio.create_task(consumer(queue), name="consumer")
    producing = asyncio.create_task(producer(queue), name="producer")
    await producing
    return await consuming


print("result", asyncio.run(main()), flush=True)
