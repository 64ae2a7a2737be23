"""Installs an event-loop policy whose loop is not asyncio's standard loop, then calls asyncio.run.

MinimalLoop subclasses asyncio.AbstractEventLoop, not asyncio.BaseEventLoop: it runs coroutines
that never suspend by stepping them itself, and knows nothing else. The recorder cannot record it,
and says so on stderr and in the trace; the program still runs to its end.
"""

import asyncio


class MinimalLoop(asyncio.AbstractEventLoop):
    """Just enough of a loop for asyncio.run(main()) where main never suspends."""

    def __init__(self):
        self._closed = False
        self._debug = False

    def run_until_complete(self, future):
        coroutine = future
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value
        raise RuntimeError("MinimalLoop cannot run a coroutine that suspends")

    def create_task(self, coroutine, **options):
        return coroutine

    def is_running(self):
        return False

    def is_closed(self):
        return self._closed

    def close(self):
        self._closed = True

    def get_debug(self):
        return self._debug

    def set_debug(self, enabled):
        self._debug = enabled

    async def shutdown_asyncgens(self):
        pass

    async def shutdown_default_executor(self):
        pass


class MinimalPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return MinimalLoop()


async def main():
    print("main runs on", type(asyncio.get_event_loop_policy().new_event_loop()).__name__, flush=True)
    return 42


asyncio.set_event_loop_policy(MinimalPolicy())
print("result", asyncio.run(main()), flush=True)
