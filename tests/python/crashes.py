"""Raises an uncaught exception after a couple of awaits: Python prints the traceback on stderr and
exits with status 1.
"""

import asyncio


async def main():
    await asyncio.sleep(0.01)
    print("first await done", flush=True)
    await asyncio.sleep(0)
    print("second await done", flush=True)
    raise RuntimeError("the program crashes here")


asyncio.run(main())
