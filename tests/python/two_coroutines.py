"""Two coroutines awaiting I/O at the same time, on a real socket.

A server in the same program (asyncio.start_server on 127.0.0.1, any free port) answers each
request line after a short delay; two clients connect with asyncio.open_connection, send a line
and read the answer, so both wait on socket reads at once. Each prints what it does (with the
ports, which the trace's read labels name).
"""

import asyncio


async def answer(reader, writer):
    request = await reader.readline()
    await asyncio.sleep(0.1)
    writer.write(b"hello " + request)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(name, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print(f"{name} connected from port {writer.get_extra_info('sockname')[1]}", flush=True)
    writer.write(name.encode() + b"\n")
    reply = await reader.readline()  # the read both clients wait on
    print(f"{name} read {reply.decode().strip()!r}", flush=True)
    writer.close()
    await writer.wait_closed()
    return reply.decode().strip()


async def main():
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"server listening on port {port}", flush=True)
    async with server:
        first = asyncio.create_task(client("A", port), name="client A")
        second = asyncio.create_task(client("B", port), name="client B")
        print("results", await first, await second, flush=True)


asyncio.run(main())
