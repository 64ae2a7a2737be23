"""One of each mistake the lints find, in a program that still ends.

- spin() yields with `await asyncio.sleep(0)` 150 times in a row, alone on the loop: it never
  yields to anything (and wakes only itself).
- crunch() holds the loop with time.sleep(0.15): a blocking step. patient(), whose 0.01 s sleep
  ends meanwhile, is ready all that time: starved.
- doomed() is started by main() and fails; nothing awaits it: its failure is never retrieved.
- forgotten() awaits an Event nobody sets, and the loop is closed without cancelling it: a lost
  wake-up.
"""

import asyncio
import time


async def spin():
    for _ in range(150):
        await asyncio.sleep(0)


async def crunch():
    time.sleep(0.15)  # blocks the loop: nothing else runs meanwhile


async def patient():
    await asyncio.sleep(0.01)  # due while crunch() holds the loop
    print("patient() resumed", flush=True)


async def doomed():
    raise ValueError("no page 7")


async def forgotten(event):
    await event.wait()


async def main():
    await asyncio.create_task(spin())
    waiting = asyncio.create_task(patient())
    await asyncio.sleep(0)  # patient() arms its timer first
    await asyncio.create_task(crunch())
    await waiting
    failing = asyncio.create_task(doomed())
    never_set = asyncio.Event()
    left = asyncio.create_task(forgotten(never_set))
    await asyncio.sleep(0.01)
    print("main() returns", flush=True)
    return failing, left


loop = asyncio.new_event_loop()
kept = loop.run_until_complete(main())
loop.close()
