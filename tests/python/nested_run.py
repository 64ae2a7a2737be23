"""Calls asyncio.run() inside a running loop: asyncio refuses with a RuntimeError.

The program catches the error, prints it, and carries on.
"""

import asyncio


async def inner():
    return "never"


async def main():
    coroutine = inner()
    try:
        asyncio.run(coroutine)  # refused: this loop is running
    except RuntimeError as error:
        print(f"RuntimeError: {error}", flush=True)
        coroutine.close()
    await asyncio.sleep(0.01)
    print("main carries on", flush=True)
    return "done"


print("result", asyncio.run(main()), flush=True)
