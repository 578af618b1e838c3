"""Kernels started ahead of their notebooks and warmed: a report's imports are done before it asks for its kernel.

A run is bounded by kernel start and imports (pandas, matplotlib, the package), repeated in every kernel.
`Reserve` starts the kernels of the first `jobs` reports at once and, each time a report takes its kernel,
the kernel of the next report waiting; each kernel then runs, silently, the import statements of its own
notebook (no output, no execution count, no name left behind). So on 2 cores the second wave of notebooks
finds its kernel booted and its modules imported, and the notebook's own imports find them loaded.

The kernels are started by the function the runner gives (`demarrer`), and a kernel handed to a notebook is
the runner's to stop; `fermer` stops the ones never handed out. One reserve serves a whole run: a report of a
later wave (`bilan`, after the reports it reads) is added (`ajouter`) as soon as it is sure to run, so that its
kernel boots and imports while the earlier wave's last notebooks run, not after them.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import json
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

#: How long the warming of one kernel may take before its notebook gets it anyway (seconds).
ATTENTE_PRECHAUFFAGE = 120


def imports_du_notebook(notebook: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The import statements of a notebook's code cells, as (module, names imported from it)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out: list[tuple[str, tuple[str, ...]]] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: this cell is left to the notebook
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                out += [(a.name, ()) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.append((node.module, tuple(a.name for a in node.names if a.name != "*")))
    return out


def code_prechauffage(imports: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    """Kernel code that imports those modules and binds no name (a failure is left for the notebook to report),
    then leaves every object it has so far out of the garbage collector's rounds (`gc.freeze`): the libraries'
    130 000 to 150 000 objects, which live as long as the kernel, were walked by each full collection of the
    notebook's run (a tenth of a second, once or twice a report), and by the collections of each child it forks
    (`enfants`), which then copied the pages they touched."""
    blocs = [f"try:\n    __import__({module!r}, fromlist={list(noms)!r})\nexcept Exception:\n    pass"
             for module, noms in dict.fromkeys(imports)]
    return "\n".join([*blocs, "__import__('gc').freeze()"])


def _vivant(km) -> bool:
    """False once the kernel's process has ended (True when the manager does not say)."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return process is None or process.poll() is None


def prechauffer(km, code: str, arret: threading.Event, attente: float = ATTENTE_PRECHAUFFAGE) -> bool:
    """Wait until the kernel `km` is ready, then run `code` in it silently. Gives up when the kernel dies,
    `arret` is set or `attente` seconds have passed; never raises (the notebook's own execution reports
    whatever went wrong with its kernel). False when the kernel died before it was ready (two kernels
    started at once can race for the same port): the caller starts another."""
    fin = time.monotonic() + attente

    def encore() -> bool:
        return not arret.is_set() and time.monotonic() < fin and _vivant(km)

    # the manager's own client (it asks the manager whether the kernel lives, not the heartbeat, which is silent
    # for its first fifth of a second), with the ready check that does not wait once ready
    kc = None
    try:
        kc = clients()[0](**km.get_connection_info(session=True), connection_file=km.connection_file, parent=km)
        kc.start_channels()
        while True:  # in short steps, to notice a stop or a dead kernel
            try:
                kc.wait_for_ready(timeout=1)
                break
            except RuntimeError:
                if not encore():
                    return _vivant(km)
        if code:
            msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            while encore():
                try:
                    reply = kc.get_shell_msg(timeout=1)
                except queue.Empty:
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    break
    except Exception:  # a kernel slow or dead: its notebook will say so
        pass
    finally:
        if kc is not None:
            kc.stop_channels()
        vivant = _vivant(km)
        fermer_boucle_du_fil()
    return vivant


async def _pret(client, timeout: float | None = None) -> None:
    """A kernel client's `wait_for_ready`: jupyter_client's (8.x), without the fifth of a second it then waits in
    any case for more IOPub messages (its flush ends only after 0,2 s without one: every kernel of a run paid it
    twice, once warmed and once taken by its notebook). As there: `kernel_info` until its reply comes, then one
    IOPub message to know that channel is connected (else all again); a kernel that has died, or no reply within
    `timeout` seconds, raise RuntimeError. What IOPub has already received is then drained, without waiting:
    nbclient reads only the messages of the cells it sends."""
    from jupyter_client.utils import ensure_async  # loaded with jupyter_client, when a kernel runs

    fin = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            msg = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except queue.Empty:
            pass
        else:
            if msg["msg_type"] == "kernel_info_reply":
                try:
                    await ensure_async(client.iopub_channel.get_msg(timeout=0.2))
                except queue.Empty:
                    pass
                else:
                    client._handle_kernel_info_reply(msg)
                    break
        if not await client._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > fin:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
    while True:
        try:
            await ensure_async(client.iopub_channel.get_msg(timeout=0))
        except queue.Empty:
            break


@functools.cache
def clients() -> tuple[type, type]:
    """(blocking, asynchronous) kernel client classes of the runner: jupyter_client's, with `_pret` as their
    `wait_for_ready` (nbclient calls the asynchronous one's when a notebook takes its kernel)."""
    # imported here so that a run with nothing to do never loads jupyter_client
    from jupyter_client import BlockingKernelClient  # jupyter_client: as above
    from jupyter_client.asynchronous import AsyncKernelClient  # jupyter_client: as above
    from jupyter_client.utils import run_sync  # jupyter_client: as above

    class ClientBloquant(BlockingKernelClient):
        wait_for_ready = run_sync(_pret)

    class ClientAsynchrone(AsyncKernelClient):
        wait_for_ready = _pret

    return ClientBloquant, ClientAsynchrone


def fermer_boucle_du_fil() -> None:
    """Close the event loop that jupyter_client's synchronous calls left to this thread (the next call makes a
    new one): an open loop holds its sockets until the process ends. Called at the end of each task of the
    runner's threads and of a run."""
    try:
        boucle = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop in this thread
        return
    if not boucle.is_running() and not boucle.is_closed():
        boucle.close()


class Reserve:
    """The kernels of one run, one per report, started `avance` ahead of the notebooks that take them."""

    def __init__(self, notebooks: Sequence[tuple[str, Path]], avance: int, demarrer: Callable[[], object],
                 arreter: Callable[[object], None]):
        """`notebooks`: (report id, notebook) in the order they will run; `demarrer()` starts a kernel and
        returns its manager, `arreter(km)` stops one."""
        self._attente = list(notebooks)
        self._demarrer, self._arreter = demarrer, arreter
        self._codes: dict[str, str] = {}
        self._verrou = threading.Lock()
        self._prets: dict[str, tuple[object, Future]] = {}
        self._arret = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=max(1, avance), thread_name_prefix="prechauffage")
        try:
            for _ in range(min(max(1, avance), len(self._attente))):
                self._lancer(self._attente[0][0])
        except BaseException:  # Ctrl-C while the first kernels start: none of them, nor its warming, outlives this
            self.fermer()  # (the caller never gets the reserve to close: its warming thread kept the run waiting)
            raise

    def ajouter(self, notebooks: Sequence[tuple[str, Path]]) -> None:
        """Reports of a later wave, run after those waiting: their kernels start as the earlier ones are taken
        (a report already waiting or started is not added twice)."""
        with self._verrou:
            connus = {i for i, _ in self._attente} | set(self._prets)
            self._attente += [(i, n) for i, n in notebooks if i not in connus]

    def _lancer(self, rid: str) -> None:
        """Start the kernel of report `rid` now and warm it in the background (lock held or in __init__)."""
        notebook = dict(self._attente)[rid]
        self._attente = [(i, n) for i, n in self._attente if i != rid]
        km = self._demarrer()
        try:
            code = self._codes[rid] = code_prechauffage(imports_du_notebook(notebook))
            self._prets[rid] = (km, self._pool.submit(prechauffer, km, code, self._arret))
        except BaseException:  # Ctrl-C before the kernel is recorded: stopped here, never left running
            if rid not in self._prets:
                self._arreter(km)
            raise

    def prendre(self, rid: str):
        """The kernel of report `rid`, once warmed; starts the kernel of the next report waiting."""
        with self._verrou:
            if self._arret.is_set():
                raise RuntimeError("réserve de noyaux fermée")
            if rid not in self._prets:  # taken out of order: started now
                self._lancer(rid)
            km, pret = self._prets.pop(rid)
            if self._attente:
                self._lancer(self._attente[0][0])
        if not pret.result() and not self._arret.is_set():  # died before it was ready: one more try
            self._arreter(km)
            km = self._demarrer()
            prechauffer(km, self._codes[rid], self._arret)
        return km

    def fermer(self) -> None:
        """Stop every kernel started and never handed out."""
        with self._verrou:
            self._arret.set()  # the warmings under way give up within a second
            restants, self._prets = list(self._prets.values()), {}
        self._pool.shutdown(wait=True, cancel_futures=True)
        for km, _ in restants:
            self._arreter(km)
