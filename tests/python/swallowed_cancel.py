"""A task that is cancelled, catches the CancelledError and carries on: the cancellation is
swallowed, and whoever cancelled it waits for work that goes on."""
import asyncio


async def headstrong():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("headstrong: cancelled, but carrying on", flush=True)
    await asyncio.sleep(0.02)  # goes on after the cancellation
    print("headstrong: done anyway", flush=True)


async def main():
    task = asyncio.create_task(headstrong(), name="headstrong")
    await asyncio.sleep(0.01)
    task.cancel()
    await task
    print("main: the task ended without being cancelled", flush=True)


asyncio.run(main())
