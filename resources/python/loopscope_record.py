"""Records how asyncio schedules a Python program, for Loopscope.

    python3 loopscope_record.py SCRIPT [ARGS...]
    python3 loopscope_record.py -m MODULE [ARGS...]

runs the program as `python3 SCRIPT ARGS` would (same sys.argv, sys.path[0], __main__, exit status)
with the standard asyncio event loop instrumented, and streams what the loop does to Loopscope:
tasks created, started, suspended (awaiting what, at which line of the program), resumed,
returned, failed, cancelled; the loop waiting in select(); timers armed and fired; I/O awaited and
completed; plain callbacks and slow steps. `loopscope trace -- python3 SCRIPT` starts it; the
stream goes to the Unix socket named by LOOPSCOPE_RECORD_SOCKET. Run on its own, the recorder
streams where programs on Loopscope's scheduler do: to a window that listens (`loopscope --listen`)
at LOOPSCOPE_LIVE (127.0.0.1:PORT, [::1]:PORT or a Unix socket's path), or to the file named by
LOOPSCOPE_TRACE (or LOOPSCOPE_RECORD_FILE), which Loopscope opens like a saved trace. Standard
library only; Python 3.11 and newer.

The stream ("LOOPSCOPE-PY 1\\n", then records of 24 bytes, little-endian):

    kind u8 | wait (3 bits) + thread lane (5 bits) u8 | line u16 | task u32 | other u32 |
    detail u32 | time ns i64

Times are the program's time.perf_counter_ns(); the recording begins at INFO's "origin_ns".

Kinds below 200 are Loopscope's event kinds (see EVENT below); for them `detail` is a label id or
a number, as Loopscope's trace says. A resumption is sent bare: the reader gives it the wait, the
id, the label and the line of the task's last suspension, which it ends. Kinds from 200 declare things the events refer to:
    200 LABEL  detail = label id, other = length; the UTF-8 text follows
    201 TASK   task = id, other = parent task, detail = name label, time = a number that ends the
               name (0: none): tasks named by asyncio ("Task-7") are "<coroutine> 7", one label for all
    202 INFO   other = length; a UTF-8 JSON object follows (program, script, python, pid,
               origin_ns), before any event
A whole step of the common shapes is one record of its own layout (the hot path's, half the bytes):
    203 STEP   kind u8 | flags u8 | line u16 | task u32 | start ns i64 | end ns i64
               flags: thread lane << 3, 1 = resumed (else started), 2 = returned None (else it
               yielded to the loop, `await asyncio.sleep(0)`, at `line`)

Nothing is dropped: events are buffered and sent in blocks; when the reader is slower than the
program, sending blocks and the program waits (it is never cut short and no event is lost).
"""

import asyncio
import asyncio.base_events as _base_events
import asyncio.events as _events
import asyncio.format_helpers as _format_helpers
import asyncio.futures as _futures
import asyncio.locks as _locks
import asyncio.queues as _queues
import asyncio.runners as _runners
import asyncio.streams as _streams
import asyncio.tasks as _tasks
import atexit
import dis
import ipaddress
import itertools
import json
import os
import runpy
import socket
import struct
import sys
import threading
import time
import traceback
import types

MAGIC = b"LOOPSCOPE-PY 1\n"

# Loopscope's event kinds (core/trace/eventkind.h), by their stable numbers.
LOOP_STARTED, LOOP_STOPPED, LOOP_WAITING = 0, 1, 2
TASK_CREATED, TASK_STARTED, TASK_SUSPENDED, TASK_RESUMED = 4, 5, 6, 7
TASK_RETURNED, TASK_FAILED, TASK_CANCELLED = 10, 11, 12
IO_SUBMITTED, IO_COMPLETED, IO_FAILED = 13, 14, 15
TIMER_ARMED, TIMER_FIRED, SLOW_STEP, MESSAGE, CANCEL_REQUESTED = 16, 17, 18, 19, 20
LABEL, TASK, INFO, STEP = 200, 201, 202, 203
STEP_RESUMED, STEP_RETURNED = 1, 2

# What a suspended task waits for (WaitKind in core/trace/traceevent.h).
WAIT_OTHER, WAIT_YIELD, WAIT_TASK, WAIT_IO, WAIT_TIMER, WAIT_QUEUE, WAIT_SYNC = 0, 1, 2, 3, 4, 5, 6

# A step or callback that holds the loop longer than this is reported (asyncio's own default for
# slow_callback_duration); LOOPSCOPE_SLOW_MS changes it.
SLOW_NS = int(float(os.environ.get("LOOPSCOPE_SLOW_MS", "100")) * 1e6)
FLUSH_EVENTS = 1024
NO_WAIT = 0xFFFFFFFF
VALUE_CHARS = 60

_pack = struct.Struct("<BBHIIIq").pack
_pack_two = struct.Struct("<BBHIIIqBBHIIIq").pack
_pack_step = struct.Struct("<BBHIqq").pack  # STEP
_now = time.perf_counter_ns
_stdlib_dir = os.path.dirname(os.__file__)
_own_file = os.path.abspath(__file__)


_library_codes = {}  # code -> whether it is the standard library's (asyncio included) or the recorder's


_main_codes = {}  # code -> whether it is in the program's main file (whose lines events carry)
_main_file = [""]  # the program's main file, absolute (set by _main)


def _in_main_file(code, cache=_main_codes):
    known = cache.get(code)
    if known is None:
        known = os.path.abspath(code.co_filename) == _main_file[0]
        cache[code] = known
    return known


def _single_await_line(code):
    """The line of a coroutine's awaits when they all are on one line, read from its bytecode
    (0 when they are on several)."""
    lines = {instruction.positions.lineno for instruction in dis.get_instructions(code)
             if instruction.opname == "YIELD_VALUE"}
    return lines.pop() if len(lines) == 1 and None not in lines else 0


class _FastLines(dict):
    """code -> the line a coroutine of that code is at when it awaits, known without its frame:
    the one line of its awaits (in the program's main file), 0 (in another file), or -1 (read it
    from the frame: its awaits are on several lines, or it is the standard library's).

    A suspended coroutine's line is otherwise its frame's f_lineno, and reading cr_frame makes
    CPython build a frame object that then lives as long as the coroutine: one more object per
    task for the program's garbage collector to walk. Most coroutines await on a single line."""

    def __missing__(self, code):
        if _is_library(code):
            line = -1
        elif not _in_main_file(code):
            line = 0
        else:
            line = _single_await_line(code) or -1
            line = line if line < 65536 else 0
        self[code] = line
        return line


_fast_lines = _FastLines()


def _is_library(code, cache=_library_codes):
    """Whether a code object belongs to the standard library (asyncio included), not the program."""
    known = cache.get(code)
    if known is None:
        name = code.co_filename
        known = name.startswith(_stdlib_dir) or name.startswith("<frozen") or name == _own_file
        cache[code] = known
    return known


class _SinkError(Exception):
    """The stream cannot go where the environment says."""


def _connect_to_window(address):
    """A socket to a window that listens (`loopscope --listen ADDRESS`), as LOOPSCOPE_LIVE names it."""
    if "/" in address:
        family, target = socket.AF_UNIX, address
    else:
        host, _, port = address.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        try:
            ip, port = ipaddress.ip_address(host), int(port)
        except ValueError:
            ip = None
        if ip is None or not 1 <= port <= 65535:
            raise _SinkError('LOOPSCOPE_LIVE must be 127.0.0.1:PORT, [::1]:PORT or the path of a Unix '
                             'socket, not "%s"' % address)
        if not ip.is_loopback:
            raise _SinkError("LOOPSCOPE_LIVE: %s is not this machine; a trace is only streamed over "
                             "loopback or a Unix socket" % host)
        family, target = (socket.AF_INET6 if ip.version == 6 else socket.AF_INET), (host, port)
    connection = socket.socket(family, socket.SOCK_STREAM)
    connection.settimeout(3)
    try:
        connection.connect(target)
    except OSError as error:
        connection.close()
        raise _SinkError("LOOPSCOPE_LIVE: nothing listens on %s: %s (start `loopscope --listen %s`)"
                         % (address, error.strerror or error, address)) from None
    connection.settimeout(None)
    return connection


class _Sink:
    """Where the stream goes: the socket of `loopscope trace` (LOOPSCOPE_RECORD_SOCKET), a window
    that listens (LOOPSCOPE_LIVE, as for programs on Loopscope's own scheduler), a file
    (LOOPSCOPE_TRACE, or LOOPSCOPE_RECORD_FILE), or nowhere (then recording is off). Raises
    _SinkError when the place named cannot be reached."""

    def __init__(self):
        self.socket = None
        self.file = None
        private = os.environ.pop("LOOPSCOPE_RECORD_SOCKET", "")
        live = os.environ.get("LOOPSCOPE_LIVE", "")
        # The file is this program's: a child program must not write over it.
        out = os.environ.pop("LOOPSCOPE_RECORD_FILE", "") or os.environ.pop("LOOPSCOPE_TRACE", "")
        if private:
            self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.socket.connect(private)
        elif live:
            self.socket = _connect_to_window(live)
        elif out:
            try:
                self.file = open(out, "wb")
            except OSError as error:
                raise _SinkError("LOOPSCOPE_TRACE: cannot write %s: %s" % (out, error.strerror)) from None

    def write(self, data):
        try:
            if self.socket is not None:
                self.socket.sendall(data)
            elif self.file is not None:
                self.file.write(data)
        except OSError as error:
            # The window went away or the disk filled: the program goes on, unrecorded from here.
            print("loopscope_record: the recording stopped: %s" % (error.strerror or error), file=sys.stderr)
            self.close()
            self.socket = self.file = None

    def close(self):
        if self.socket is not None:
            self.socket.close()
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass


class Recorder:
    """Turns what the instrumented loop does into stream records."""

    def __init__(self, sink, script):
        self.sink = sink
        self.script = os.path.abspath(script) if script else ""
        self.queue = []  # records not sent yet
        self.flush_lock = threading.Lock()
        self.origin = _now()
        self.labels = {}
        self.label_ids = itertools.count(1)
        self.task_ids = itertools.count(1)
        self.io_ids = itertools.count(1)
        self.timer_ids = itertools.count(1)
        self.tasks = {}        # live task -> id
        self.started = set()   # ids of tasks that have run
        self.pending_io = {}   # task id -> (io id, label) it waits for
        self.timers = {}       # TimerHandle -> (timer id, task id)
        self.executor_futures = {}  # future of run_in_executor -> label
        self.callbacks = {}    # code of a callback -> its name label (0: asyncio's own, not recorded)
        self.callback_runs = {}  # name label -> how many runs of it were created
        self.timed_callbacks = {}  # TimerHandle of a program callback -> the task of that run
        self.last_armed = (0, 0)  # (task, timer) of the newest timer: a sleep arms it in the step it suspends
        self.running_callback = 0  # the program's callback running now (its lane), if any
        self.loop_lanes = {}   # thread id -> lane
        self.open_loops = set()  # loops started and not closed yet
        # Until a task first runs: its default name, and its parent. Two dicts of strings and ints,
        # not one of tuples: a tuple per task is one more object for the program's garbage collector.
        self.coroutine_labels = {}  # code of a task's coroutine -> its name label, 0 if asyncio's own
        self.default_names = {}
        self.default_parents = {}
        self.thread_lane = 0
        self.closed = False
        sink.write(MAGIC)

    # ---- records ----

    def emit(self, kind, task=0, other=0, detail=0, line=0, wait=0, t=None):
        # No flush here: a step's first event may still be inserted before what the step emitted.
        self.queue.append(_pack(kind, wait | (self.thread_lane << 3), line, task, other, detail,
                                _now() if t is None else t))

    def label(self, text):
        known = self.labels.get(text)
        if known is None:
            known = next(self.label_ids)
            data = text.encode("utf-8", "replace")
            self.queue.append(_pack(LABEL, 0, 0, 0, len(data), known, 0) + data)
            self.labels[text] = known
        return known

    def info(self, values):
        data = json.dumps(values).encode("utf-8")
        self.queue.append(_pack(INFO, 0, 0, 0, len(data), 0, 0) + data)

    def flush(self):
        with self.flush_lock:
            queue = self.queue
            if not queue or self.closed:
                return
            # What another thread appends meanwhile stays for the next flush.
            count = len(queue)
            block = queue[:count]
            del queue[:count]
            self.sink.write(b"".join(block))

    def close(self):
        for loop in list(self.open_loops):
            self.loop_closed(loop, "the program ended")
        self.flush()
        with self.flush_lock:
            self.closed = True
            self.sink.close()

    # ---- tasks ----

    def task_created(self, loop, task):
        coro = task.get_coro()
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        coroutine_label = self.coroutine_labels.get(code)
        if coroutine_label is None:
            coroutine_label = self.coroutine_label(code, coro)
        if not coroutine_label:
            return 0  # asyncio.run's own housekeeping (shutdown_asyncgens...), not the program's
        tid = next(self.task_ids)
        tasks = self.tasks
        tasks[task] = tid
        parent_id = tasks.get(_tasks.current_task(loop), 0)
        name = task.get_name()
        number = name[5:]
        if name.startswith("Task-") and number.isdigit():
            # asyncio.create_task(coro, name=...) names the task after creating it: look again when it starts.
            self.default_names[tid] = name
            self.default_parents[tid] = parent_id
            number = int(number)
            name_label = coroutine_label
        else:
            number = 0
            name_label = self.labels.get(name) or self.label(name)
        self.queue.append(_pack_two(TASK, 0, 0, tid, parent_id, name_label, number,
                                    TASK_CREATED, self.thread_lane << 3, 0, tid, parent_id, name_label, _now()))
        return tid

    def coroutine_label(self, code, coro):
        """The label of a task's coroutine (cached by its code), or 0 for the standard library's."""
        if code is None:  # an awaitable of another kind: not cached, the next may be of another type
            return self.label(getattr(coro, "__qualname__", None) or type(coro).__name__)
        label = 0 if _is_library(code) else self.label(getattr(coro, "__qualname__", None) or code.co_name)
        self.coroutine_labels[code] = label
        return label

    def first_step(self, task, tid):
        """A task's first step begins: it is started, not resumed, and may have been renamed."""
        self.started.add(tid)
        created = self.default_names.pop(tid, None)
        if created is not None:
            parent = self.default_parents.pop(tid)
            if task.get_name() != created:
                self.queue.append(_pack(TASK, 0, 0, tid, parent, self.label(task.get_name()), 0))
        return TASK_STARTED


    def task_step(self, handle, task, tid, run):
        t0 = _now()
        pending = self.pending_io.pop(tid, None)
        if pending is not None:
            self.emit(IO_COMPLETED, tid, pending[0], self.label(pending[1]), t=t0)
        self.step_started(TASK_RESUMED if tid in self.started else self.first_step(task, tid), tid, t0)
        try:
            run(handle)
        finally:
            self.task_step_end(task, tid, t0, _now())

    def step_started(self, kind, tid, t0):
        """A task's step begins (Loopscope's reader adds the wait a resumption ends)."""
        self.emit(kind, tid, t=t0)

    def start_record(self, kind, tid, t0):
        """step_started()'s record, to be put in place later."""
        return _pack(kind, self.thread_lane << 3, 0, tid, 0, 0, t0)

    def task_step_end(self, task, tid, t0, t1):
        if task.done():
            self.task_ended(task, tid, t1)
        else:
            self.task_suspended(task, tid, t1, t0 if task.cancelling() > 0 else None)
        if t1 - t0 > SLOW_NS:
            self.emit(SLOW_STEP, tid, 0, min((t1 - t0) // 1000, NO_WAIT - 1), t=t1)

    def task_ended(self, task, tid, t):
        del self.tasks[task]
        self.started.discard(tid)
        if task.cancelled():
            self.emit(TASK_CANCELLED, tid, t=t)
            return
        error = task._exception  # not task.exception(): that would hide asyncio's "never retrieved"
        if error is not None:
            text = "%s: %s" % (type(error).__name__, error) if str(error) else type(error).__name__
            self.emit(TASK_FAILED, tid, 0, self.label(text), t=t)
            return
        result = task.result()
        self.emit(TASK_RETURNED, tid, 0, self.label(_short(result)) if result is not None else 0, t=t)

    def task_suspended(self, task, tid, t, cancel_asked_at=None):
        waiter = task._fut_waiter
        line, frame, elsewhere = _await_site(task.get_coro())
        # Asked to cancel and still going after this step: the request (C Task.cancel cannot be
        # hooked) shows in cancelling(), which asyncio.timeout brings back to 0 at once and a
        # TaskGroup once its children are done (it waits for them in __aexit__ meanwhile).
        if cancel_asked_at is not None and (frame is None or frame.f_code is not _TASKGROUP_EXIT_CODE):
            self.emit(CANCEL_REQUESTED, tid, t=cancel_asked_at)
        if waiter is None:  # a bare yield to the loop: asyncio.sleep(0), nearly always
            label = self.label("sleep(0) (%s)" % elsewhere if elsewhere else "sleep(0)")
            self.emit(TASK_SUSPENDED, tid, 0, label, line, WAIT_YIELD, t)
            return
        wait, other, text = self.classify(waiter, frame, tid)
        if elsewhere:
            text = "%s (%s)" % (text, elsewhere)  # the line is in another file than the one shown
        label = self.label(text)
        if wait == WAIT_IO:
            other = next(self.io_ids)
            self.pending_io[tid] = (other, text + ": done")
            self.emit(IO_SUBMITTED, tid, other, label, line, t=t)
        self.emit(TASK_SUSPENDED, tid, other, label, line, wait, t)

    def classify(self, waiter, frame, tid):
        """What a task waits for: (wait kind, other id, label)."""
        if isinstance(waiter, _tasks.Task):
            return WAIT_TASK, self.tasks.get(waiter, 0), "task %s" % _task_name(waiter)
        site = _WAIT_SITES.get(frame.f_code) if frame is not None else None
        if site is not None:
            wait, describe = site
            if wait == WAIT_TIMER:
                armer, timer = self.last_armed
                return WAIT_TIMER, timer if armer == tid else 0, describe(frame.f_locals)
            inner = frame.f_locals.get("fut") if frame.f_code is _WAIT_FOR_CODE else None
            if isinstance(inner, _tasks.Task) and inner in self.tasks:
                # wait_for(task): the task it waits for, and for how long at most
                return WAIT_TASK, self.tasks[inner], "task %s (wait_for, timeout %s s)" % (
                    _task_name(inner), frame.f_locals.get("timeout"))
            return wait, 0, describe(frame.f_locals)
        if isinstance(waiter, _tasks._GatheringFuture):
            return WAIT_TASK, 0, "gather (%d)" % len(getattr(waiter, "_children", ()))
        executor = self.executor_futures.get(waiter)
        if executor is not None:
            return WAIT_IO, 0, executor
        return WAIT_OTHER, 0, "a Future"

    # ---- timers and callbacks ----

    def timer_armed(self, loop, handle, delay):
        # Armed by the task (or program callback) that runs now; it fires for the program's callback
        # it will run (call_later), else for the task that armed it (a sleep). asyncio's own timers
        # outside the program's tasks are not recorded.
        current = _tasks.current_task(loop)
        armer = self.tasks.get(current, 0) if current is not None else self.running_callback
        label = self.callback_label(handle._callback)
        target = self.callback_task(label) if label else armer
        if target == 0:
            return
        if label:
            self.timed_callbacks[handle] = target
        timer = next(self.timer_ids)
        self.timers[handle] = (timer, target)
        self.last_armed = (armer, timer)
        self.emit(TIMER_ARMED, armer, timer, max(0, min(int(delay * 1e6), NO_WAIT - 1)))

    def timer_fired(self, handle):
        fired = self.timers.pop(handle, None)
        if fired is not None:
            self.emit(TIMER_FIRED, fired[1], fired[0])

    def callback_label(self, callback):
        """The name label of a plain callback of the program (0 for asyncio's and Python's own)."""
        target = getattr(callback, "func", callback)  # functools.partial
        target = getattr(target, "__func__", target)  # bound method
        code = getattr(target, "__code__", None)
        if code is None:
            return 0
        label = self.callbacks.get(code)
        if label is None:
            label = 0 if _is_library(code) else self.label("%s()" % code.co_qualname)
            self.callbacks[code] = label
        return label

    def callback_task(self, label):
        """A task for one run of a program callback, as Loopscope's own callback loop has them:
        "tick() 3" is the third run of tick, created when it is scheduled (or run)."""
        tid = next(self.task_ids)
        runs = self.callback_runs.get(label, 0) + 1
        self.callback_runs[label] = runs
        self.queue.append(_pack(TASK, 0, 0, tid, 0, label, runs))
        self.emit(TASK_CREATED, tid, 0, label)
        return tid

    def callback_run(self, handle, tid, run):
        t0 = _now()
        self.emit(TASK_STARTED, tid, t=t0)
        self.running_callback = tid
        try:
            run(handle)
        finally:
            self.running_callback = 0
            t1 = _now()
            self.emit(TASK_RETURNED, tid, t=t1)
            if t1 - t0 > SLOW_NS:
                self.emit(SLOW_STEP, tid, 0, min((t1 - t0) // 1000, NO_WAIT - 1), t=t1)

    # ---- the loop ----

    def loop_started(self, loop):
        lane = self.loop_lanes.setdefault(threading.get_ident(), min(len(self.loop_lanes), 31))
        self.thread_lane = lane
        if loop in self.open_loops:
            return  # run_until_complete again on the same loop (asyncio.run's shutdown steps)
        self.open_loops.add(loop)
        self.emit(LOOP_STARTED)
        selector = getattr(loop, "_selector", None)
        if selector is not None and not getattr(selector, "_loopscope", False):
            select = selector.select
            recorder = self

            def waiting_select(timeout=None):
                if timeout is None or timeout > 0:
                    micros = NO_WAIT - 1 if timeout is None else min(int(timeout * 1e6), NO_WAIT - 1)
                    recorder.emit(LOOP_WAITING, 0, 0, micros)
                    recorder.flush()  # the window sees everything up to the wait while it lasts
                return select(timeout)

            selector.select = waiting_select
            selector._loopscope = True

    def loop_paused(self, loop):
        self.flush()

    def loop_closed(self, loop, why):
        if loop in self.open_loops:
            self.open_loops.discard(loop)
            self.emit(LOOP_STOPPED, 0, 0, self.label(why))
        self.flush()

    def message(self, text, task=0):
        self.emit(MESSAGE, task, 0, self.label(text))


def _code(owner, *path):
    """The code object at owner.path (None when this Python has no such function)."""
    for name in path:
        owner = getattr(owner, name, None)
    return getattr(owner, "__code__", None)


def _peer(frame_locals):
    transport = getattr(frame_locals.get("self"), "_transport", None)
    peer = transport.get_extra_info("peername") if transport is not None else None
    return "%s:%s" % peer[:2] if isinstance(peer, tuple) and len(peer) >= 2 else "socket"


def _wait_sites():
    """Innermost coroutines that tell what a task waits for: code -> (wait kind, label maker)."""
    import asyncio.selector_events as selector_events
    import asyncio.taskgroups as taskgroups
    import asyncio.threads as threads
    fixed = lambda text: (lambda frame_locals: text)
    sites = {
        _code(_tasks, "sleep"): (WAIT_TIMER, lambda l: "sleep %g s" % l.get("delay", 0)),
        _code(_queues.Queue, "get"): (WAIT_QUEUE, fixed("queue get")),
        _code(_queues.Queue, "put"): (WAIT_QUEUE, fixed("queue put")),
        _code(_queues.Queue, "join"): (WAIT_QUEUE, fixed("queue join")),
        _code(_locks.Lock, "acquire"): (WAIT_SYNC, fixed("lock")),
        _code(_locks.Event, "wait"): (WAIT_SYNC, fixed("event")),
        _code(_locks.Condition, "wait"): (WAIT_SYNC, fixed("condition")),
        _code(_locks.Semaphore, "acquire"): (WAIT_SYNC, fixed("semaphore")),
        _code(_locks, "Barrier", "wait"): (WAIT_SYNC, fixed("barrier")),
        _code(_tasks, "wait_for"): (WAIT_TASK, lambda l: "wait_for (timeout %s s)" % l.get("timeout")),
        _code(_tasks, "_wait"): (WAIT_TASK, lambda l: "wait (%d)" % len(l.get("fs", ()))),
        _code(taskgroups.TaskGroup, "__aexit__"): (
            WAIT_TASK, lambda l: "TaskGroup (%d)" % len(getattr(l.get("self"), "_tasks", ()))),
        _code(_streams.StreamReader, "_wait_for_data"): (WAIT_IO, lambda l: "read %s" % _peer(l)),
        _code(_streams, "FlowControlMixin", "_drain_helper"): (WAIT_IO, fixed("write (drain)")),
        _code(threads, "to_thread"): (
            WAIT_IO, lambda l: "thread: %s" % getattr(l.get("func"), "__qualname__", "function")),
        _code(_base_events.BaseEventLoop, "getaddrinfo"): (
            WAIT_IO, lambda l: "getaddrinfo %s" % l.get("host")),
    }
    for name in ("sock_recv", "sock_recv_into", "sock_sendall", "sock_connect", "sock_accept"):
        sites[_code(selector_events.BaseSelectorEventLoop, name)] = (WAIT_IO, fixed(name))
    sites.pop(None, None)
    return sites


_WAIT_SITES = _wait_sites()
_WAIT_FOR_CODE = _code(_tasks, "wait_for")
_TASKGROUP_EXIT_CODE = _code(__import__("asyncio.taskgroups").taskgroups.TaskGroup, "__aexit__")


def _await_site(coro):
    """(line of the program's main file where the task awaits, the frame of the innermost awaitable,
    "file.py:line" when the program's innermost await is in another of its files)."""
    line = 0
    last = None
    elsewhere = ""
    while coro is not None:
        frame = getattr(coro, "cr_frame", None)
        if frame is None:
            frame = getattr(coro, "gi_frame", None)
            if frame is None:
                break
            inner = coro.gi_yieldfrom
        else:
            inner = coro.cr_await
        last = frame
        code = frame.f_code
        if not _is_library(code):
            if _in_main_file(code):
                line, elsewhere = frame.f_lineno, ""
            else:
                line, elsewhere = 0, "%s:%d" % (os.path.basename(code.co_filename), frame.f_lineno)
        coro = inner
    return (line if line < 65536 else 0), last, elsewhere


def _await_line(coro, known=_library_codes, coroutine=types.CoroutineType):
    """The line of the program's main file where the task awaits (the hot path's lean
    _await_site()): its innermost coroutine, found by following awaits until asyncio's own code;
    0 when that is in another file."""
    line = 0
    while type(coro) is coroutine:
        code = coro.cr_code
        library = known.get(code)
        if library is None:
            library = _is_library(code)
        if library:
            break
        line = _fast_lines[code]
        if line < 0:
            line = coro.cr_frame.f_lineno
        coro = coro.cr_await
    return line if line < 65536 else 0


def _report_callback_error(handle, error):
    """What asyncio's Handle._run does with an exception from a callback: hand it to the loop."""
    source = getattr(_format_helpers, "_format_callback_source", None)
    description = source(handle._callback, handle._args) if source else repr(handle)
    context = {"message": "Exception in callback %s" % description, "exception": error, "handle": handle}
    if handle._source_traceback:
        context["source_traceback"] = handle._source_traceback
    handle._loop.call_exception_handler(context)


def _short(value):
    try:
        text = repr(value)
    except Exception as error:  # a broken __repr__ must not break the program
        text = "<%s: repr failed: %s>" % (type(value).__name__, error)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _task_name(task):
    """The task's name as the trace has it: asyncio's "Task-7" is "<its coroutine> 7"."""
    name = task.get_name()
    if name.startswith("Task-") and name[5:].isdigit():
        coro = task.get_coro()
        return "%s %s" % (getattr(coro, "__qualname__", None) or type(coro).__name__, name[5:])
    return name


def install(recorder):
    """Instruments asyncio's standard loop for `recorder`."""
    handle_run = _events.Handle._run
    tasks = recorder.tasks
    timers = recorder.timers
    started = recorder.started
    pending_io = recorder.pending_io
    queue = recorder.queue
    append = queue.append
    now = _now
    pack_step = _pack_step
    known = _library_codes.get
    # The hot path's constants as locals of this closure: no global look-ups per step.
    resumed, step, step_resumed, step_returned = TASK_RESUMED, STEP, STEP_RESUMED, STEP_RETURNED
    slow, flush_at = SLOW_NS, FLUSH_EVENTS
    coroutine = types.CoroutineType
    fast_lines = _fast_lines
    callback_labels_get = recorder.callbacks.get
    timed_callbacks = recorder.timed_callbacks

    def _run(self):
        callback = self._callback
        tid = tasks.get(getattr(callback, "__self__", None))
        if tid is not None:
            owner = callback.__self__
            if pending_io and tid in pending_io:
                return recorder.task_step(self, owner, tid, handle_run)
            if tid in started:
                kind, flags = resumed, step_resumed
            else:
                kind, flags = recorder.first_step(owner, tid), 0
            mark = len(queue)
            t0 = now()
            try:
                # Handle._run's own work, without a second call per step (the hot path's biggest cost).
                try:
                    self._context.run(callback, *self._args)
                except (SystemExit, KeyboardInterrupt):
                    raise
                except BaseException as error:
                    _report_callback_error(self, error)
            finally:
                t1 = now()
                if len(queue) != mark:
                    # The step recorded things of its own (tasks it created...): its start goes first.
                    queue.insert(mark, recorder.start_record(kind, tid, t0))
                    recorder.task_step_end(owner, tid, t0, t1)
                elif t1 - t0 > slow or owner._fut_waiter is not None:
                    recorder.step_started(kind, tid, t0)
                    recorder.task_step_end(owner, tid, t0, t1)
                # The common cases, kept lean: a step that yields (sleep(0)) or returns None.
                elif not owner.done():
                    # The line, at once when the task's own coroutine awaits asyncio (sleep(0)) on
                    # the one line of its awaits; any other shape is followed by _await_line().
                    coro = owner.get_coro()
                    try:
                        line = fast_lines[coro.cr_code]
                        inner = coro.cr_await
                    except AttributeError:  # a generator-based coroutine, or another awaitable
                        line = inner = -1
                    if line < 0 or (type(inner) is coroutine and not known(inner.cr_code)):
                        line = _await_line(coro)
                    append(pack_step(step, (recorder.thread_lane << 3) | flags, line, tid,
                                     t0, t1))
                elif owner._result is None and owner._exception is None and not owner.cancelled():
                    append(pack_step(step, (recorder.thread_lane << 3) | flags | step_returned, 0, tid,
                                     t0, t1))
                    del tasks[owner]
                    started.discard(tid)
                else:
                    recorder.step_started(kind, tid, t0)
                    recorder.task_step_end(owner, tid, t0, t1)
                if mark >= flush_at:
                    recorder.flush()
            return
        if timers and self in timers:
            recorder.timer_fired(self)
        code = getattr(callback, "__code__", None)
        label = callback_labels_get(code) if code is not None else None
        if label is None:
            label = recorder.callback_label(callback)
        if label:
            tid = timed_callbacks.pop(self, 0) if timed_callbacks else 0
            recorder.callback_run(self, tid or recorder.callback_task(label), handle_run)
        else:
            handle_run(self)  # asyncio's own callbacks (a gather's bookkeeping, a future's result)
        if len(queue) >= flush_at:
            recorder.flush()

    _events.Handle._run = _run

    cancel = _events.TimerHandle.cancel

    def recorded_cancel(self):
        timers.pop(self, None)  # a timer that will never fire (wait_for's, once the work is done)
        recorder.timed_callbacks.pop(self, None)
        return cancel(self)

    _events.TimerHandle.cancel = recorded_cancel

    create_task = _base_events.BaseEventLoop.create_task

    def recorded_create_task(self, coro, **options):
        task = create_task(self, coro, **options)
        recorder.task_created(self, task)
        return task

    _base_events.BaseEventLoop.create_task = recorded_create_task

    call_at = _base_events.BaseEventLoop.call_at

    def recorded_call_at(self, when, callback, *args, **options):
        handle = call_at(self, when, callback, *args, **options)
        recorder.timer_armed(self, handle, max(0.0, when - self.time()))
        return handle

    _base_events.BaseEventLoop.call_at = recorded_call_at

    run_in_executor = _base_events.BaseEventLoop.run_in_executor

    def recorded_run_in_executor(self, executor, func, *args):
        future = run_in_executor(self, executor, func, *args)
        target = getattr(func, "func", func)
        name = getattr(target, "__qualname__", None) or repr(target)
        if name != "_get_default_executor":
            recorder.executor_futures[future] = "thread: %s" % name
            future.add_done_callback(recorder.executor_futures.pop)
        return future

    _base_events.BaseEventLoop.run_in_executor = recorded_run_in_executor

    run_forever = _base_events.BaseEventLoop.run_forever

    def recorded_run_forever(self):
        recorder.loop_started(self)
        try:
            return run_forever(self)
        finally:
            recorder.loop_paused(self)

    _base_events.BaseEventLoop.run_forever = recorded_run_forever

    close = _base_events.BaseEventLoop.close

    def recorded_close(self):
        recorder.loop_closed(self, "closed")
        return close(self)

    _base_events.BaseEventLoop.close = recorded_close

    run = _runners.run

    def recorded_run(main, **options):
        if _events._get_running_loop() is not None:
            recorder.message("asyncio.run() called inside a running loop: refused (RuntimeError)",
                             recorder.tasks.get(_tasks.current_task(), 0))
        return run(main, **options)

    asyncio.run = _runners.run = recorded_run

    runner_run = _runners.Runner.run

    def recorded_runner_run(self, coro, **options):
        if _events._get_running_loop() is None:
            loop = self.get_loop()
            if not isinstance(loop, _base_events.BaseEventLoop):
                kind = "%s.%s" % (type(loop).__module__, type(loop).__qualname__)
                text = ("found the event loop %s; only asyncio's standard loop is recorded" % kind)
                recorder.message(text)
                recorder.flush()
                print("loopscope: " + text, file=sys.stderr)
        return runner_run(self, coro, **options)

    _runners.Runner.run = recorded_runner_run


def _main(argv):
    if len(argv) < 1 or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    module = None
    if argv[0] == "-m":
        if len(argv) < 2:
            print("loopscope_record: -m needs a module name", file=sys.stderr)
            return 2
        module, args = argv[1], argv[2:]
        script = ""
    else:
        script, args = argv[0], argv[1:]
        if not os.path.isfile(script):
            print("loopscope_record: no such file: %s" % script, file=sys.stderr)
            return 2
    if module is not None:
        import importlib.util
        sys.path[0] = os.getcwd()  # as python3 -m MODULE has it
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.submodule_search_locations is not None:
            spec = importlib.util.find_spec(module + ".__main__")  # a package runs its __main__
        if spec is None or not spec.origin:
            print("loopscope_record: no module named %s" % module, file=sys.stderr)
            return 1
        script = spec.origin if spec.origin.endswith(".py") else ""
    _main_file[0] = os.path.abspath(script) if script else ""
    try:
        sink = _Sink()
    except _SinkError as error:
        print("loopscope_record: %s" % error, file=sys.stderr)
        return 2
    recorder = Recorder(sink, script)
    recorder.info({
        "program": " ".join(["-m " + module if module else script] + args),
        "script": recorder.script,
        "python": sys.version.split()[0],
        "pid": os.getpid(),
        "origin_ns": recorder.origin,
    })
    install(recorder)
    atexit.register(recorder.close)
    try:
        if module is not None:
            sys.argv = [module] + args
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        else:
            sys.argv = [script] + args
            sys.path[0] = os.path.dirname(os.path.abspath(script))
            runpy.run_path(script, run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:
        # Reported as Python itself would, without the recorder's and runpy's frames.
        traceback.print_exception(type(error), error, _program_frames(error.__traceback__))
        return 1
    return 0


def _program_frames(tb):
    """The traceback `tb` without the recorder's own frames and runpy's."""
    kept = []
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name != _own_file and name != runpy.__file__ and not name.startswith("<frozen runpy"):
            kept.append(tb)
        tb = tb.tb_next
    chain = None
    for frame in reversed(kept):
        chain = types.TracebackType(chain, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    return chain


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
