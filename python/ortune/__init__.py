"""ortune: run an ONNX model with the config.yaml that `ortune tune` wrote, exactly as it was measured.

    import numpy as np, ortune
    with ortune.Runner("model.onnx", "config.yaml") as r:
        out = r.run({"x": frame})          # {"dets": np.ndarray, ...}

The package is a thin ctypes layer over libortune.so (the same runtime the C API, every tune trial and
`ortune compare` use): CUDA graphs, pinned staging buffers and the config's per-machine choices are applied
inside the library. The library is found through, in order: the ORTUNE_LIBRARY environment variable (a path
to libortune.so), a libortune.so* next to this file, and the system's library path (ctypes.util.find_library).
"""
import ctypes
import ctypes.util
import glob
import os
import threading

import numpy as np

__all__ = ["Runner", "Error", "IoInfo", "empty", "library_path", "version"]

_MAX_DIMS = 16

# ONNXTensorElementDataType -> numpy dtype (8 = string: numpy object arrays of str)
_DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
           9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64}
_STRING = 8
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


class Error(Exception):
    """An ortune error: .code is the ortune error code (the CLI's exit code), str() the one-line message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class _Value(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int), ("ndim", ctypes.c_int),
                ("dims", ctypes.c_int64 * _MAX_DIMS), ("data", ctypes.c_void_p), ("nbytes", ctypes.c_size_t)]


class _IoInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int), ("ndim", ctypes.c_int),
                ("dims", ctypes.POINTER(ctypes.c_int64)), ("dim_names", ctypes.POINTER(ctypes.c_char_p))]


class IoInfo:
    """A model input or output: name, numpy dtype (None for strings: object), shape (ints; a str for a
    symbolic dimension, None for an unnamed dynamic one; shape None when the rank is unknown)."""

    def __init__(self, name, dtype, shape):
        self.name, self.dtype, self.shape = name, dtype, shape

    def __repr__(self):
        return f"IoInfo(name={self.name!r}, dtype={self.dtype!r}, shape={self.shape!r})"


def library_path():
    """The libortune.so this package loads."""
    env = os.environ.get("ORTUNE_LIBRARY")
    if env:
        return env
    here = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "libortune.so*")))
    if here:
        return here[0]
    found = ctypes.util.find_library("ortune")
    if found:
        return found
    raise OSError("libortune.so not found: set ORTUNE_LIBRARY=/path/to/libortune.so (a build's build/libortune.so, "
                  "or the lib/ of `cmake --install`)")


_lib = None
_lib_lock = threading.Lock()


def _load():
    global _lib
    with _lib_lock:
        if _lib is None:
            lib = ctypes.CDLL(library_path())
            lib.ortune_last_error.restype = ctypes.c_char_p
            lib.ortune_version.restype = ctypes.c_char_p
            lib.ortune_runner_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
            lib.ortune_runner_release.argtypes = [ctypes.c_void_p]
            lib.ortune_runner_release.restype = None
            lib.ortune_runner_stale.argtypes = [ctypes.c_void_p]
            lib.ortune_runner_stale.restype = ctypes.c_char_p
            for f in ("ortune_runner_ninputs", "ortune_runner_noutputs"):
                getattr(lib, f).argtypes = [ctypes.c_void_p]
            for f in ("ortune_runner_input_info", "ortune_runner_output_info"):
                getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(_IoInfo)]
            lib.ortune_host_alloc.argtypes = [ctypes.c_size_t]
            lib.ortune_host_alloc.restype = ctypes.c_void_p
            lib.ortune_host_free.argtypes = [ctypes.c_void_p]
            lib.ortune_host_free.restype = None
            for f in ("ortune_runner_run", "ortune_runner_run_device"):
                getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.POINTER(_Value), ctypes.c_int,
                                            ctypes.POINTER(_Value), ctypes.c_int]
            _lib = lib
    return _lib


def version():
    return _load().ortune_version().decode()


class _HostMemory:
    """ortune_host_alloc'ed memory, freed when the last numpy array over it goes."""

    def __init__(self, nbytes):
        self._lib = _load()
        self.ptr = self._lib.ortune_host_alloc(max(nbytes, 1))
        if not self.ptr:
            raise MemoryError(f"ortune_host_alloc({nbytes}) failed")

    def __del__(self):
        if self.ptr:
            self._lib.ortune_host_free(self.ptr)
            self.ptr = None


def empty(shape, dtype=np.float32):
    """A numpy array in pinned host memory (page-locked, when CUDA is present): decode frames into it and the
    runner copies them to the GPU by DMA, without its own staging copy."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    mem = _HostMemory(count * dtype.itemsize)
    buf = (ctypes.c_char * max(count * dtype.itemsize, 1)).from_address(mem.ptr)
    buf._ortune_memory = mem  # the array keeps buf, buf keeps the memory
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)


def _check(rc):
    if rc:
        raise Error(rc, _load().ortune_last_error().decode(errors="replace"))


def _info(lib, handle, getter, i):
    info = _IoInfo()
    _check(getter(handle, i, ctypes.byref(info)))
    dtype = None if info.dtype == _STRING else _DTYPES.get(info.dtype)
    shape = None
    if info.ndim >= 0:
        shape = tuple(int(info.dims[d]) if info.dims[d] >= 0 else (info.dim_names[d].decode() or None)
                      for d in range(info.ndim))
    return IoInfo(info.name.decode(), dtype, shape)


class Runner:
    """A model opened with the `onnxruntime:` section of config.yaml (None: ORT's defaults on the CPU).

    run() takes numpy arrays (a dict by input name, or a list in the model's order) and returns a dict of
    numpy arrays (copies). A Runner may be shared by threads: its runs are serialized inside the library.
    """

    def __init__(self, model, config=None):
        self._lib = _load()
        self._h = ctypes.c_void_p()
        cfg = os.fsencode(config) if config is not None else None
        _check(self._lib.ortune_runner_open(os.fsencode(model), cfg, ctypes.byref(self._h)))
        n_in = self._lib.ortune_runner_ninputs(self._h)
        n_out = self._lib.ortune_runner_noutputs(self._h)
        self.inputs = [_info(self._lib, self._h, self._lib.ortune_runner_input_info, i) for i in range(n_in)]
        self.outputs = [_info(self._lib, self._h, self._lib.ortune_runner_output_info, i) for i in range(n_out)]
        self._in = (_Value * max(n_in, 1))()
        self._out = (_Value * max(n_out, 1))()
        self._names = [i.name.encode() for i in self.inputs]
        # the argument arrays and the library's output buffers are per runner: one run at a time
        self._lock = threading.Lock()

    @property
    def stale(self):
        """Why config.yaml does not match this model/machine/ONNX Runtime (it still runs), or None."""
        s = self._lib.ortune_runner_stale(self._h) if self._h else None
        return s.decode() if s else None

    def close(self):
        if getattr(self, "_h", None):
            with self._lock:
                self._lib.ortune_runner_release(self._h)
                self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _feeds(self, feeds):
        if isinstance(feeds, dict):
            unknown = set(feeds) - {i.name for i in self.inputs}
            if unknown:
                raise Error(7, f"no input named {sorted(unknown)[0]!r}: the model's inputs are "
                               f"{', '.join(i.name for i in self.inputs)}")
            missing = [i.name for i in self.inputs if i.name not in feeds]
            if missing:
                raise Error(7, f"input {missing[0]!r} not given: pass every input of the model")
            return [feeds[i.name] for i in self.inputs]
        feeds = list(feeds)
        if len(feeds) != len(self.inputs):
            raise Error(7, f"{len(feeds)} inputs given, the model has {len(self.inputs)}")
        return feeds

    def _prepare(self, arrays, keep):
        for k, (io, a) in enumerate(zip(self.inputs, arrays)):
            v = self._in[k]
            v.name = self._names[k]
            if io.dtype is None:  # strings: a char* array, kept alive in keep
                a = np.asarray(a, dtype=object)
                enc = [str(x).encode() for x in a.ravel()]
                buf = (ctypes.c_char_p * max(len(enc), 1))(*enc)
                keep.append((enc, buf))
                v.dtype, v.data, v.nbytes = _STRING, ctypes.cast(buf, ctypes.c_void_p), 0
            else:
                a = np.ascontiguousarray(a, dtype=io.dtype)
                keep.append(a)
                v.dtype, v.data, v.nbytes = _CODES[a.dtype], a.ctypes.data, a.nbytes
            if a.ndim > _MAX_DIMS:
                raise Error(8, f"input {io.name!r} has rank {a.ndim}: at most {_MAX_DIMS}")
            v.ndim = a.ndim
            for d, n in enumerate(a.shape):
                v.dims[d] = n

    def run(self, feeds, outputs=None, copy=True):
        """One inference. feeds: {name: array} or [array, ...] (arrays from ortune.empty skip a staging copy);
        outputs: names wanted (None: all). Returns {name: np.ndarray}. copy=False returns read-only views of
        the runner's own output buffers: no copy, valid until this runner's next run (copy what you keep)."""
        with self._lock:
            return self._run(feeds, outputs, copy)

    def _run(self, feeds, outputs, copy):
        if not self._h:
            raise Error(7, "this Runner is closed")
        keep = []
        self._prepare(self._feeds(feeds), keep)
        names = [o.name for o in self.outputs] if outputs is None else list(outputs)
        enc = [n.encode() for n in names]
        out = self._out if len(names) <= len(self._out) else (_Value * len(names))()
        for k, n in enumerate(enc):
            ctypes.memset(ctypes.byref(out[k]), 0, ctypes.sizeof(_Value))
            out[k].name = n
        _check(self._lib.ortune_runner_run(self._h, self._in, len(self.inputs), out, len(names)))
        return {n: self._to_numpy(out[k], n, copy) for k, n in enumerate(names)}

    @staticmethod
    def _to_numpy(v, name, copy=True):
        shape = tuple(v.dims[d] for d in range(v.ndim))
        if v.dtype == _STRING:
            count = int(np.prod(shape, dtype=np.int64))
            ptrs = ctypes.cast(v.data, ctypes.POINTER(ctypes.c_char_p))
            return np.array([ptrs[i].decode() for i in range(count)], dtype=object).reshape(shape)
        dtype = _DTYPES.get(v.dtype)
        if dtype is None:
            raise Error(17, f"output {name!r} has ONNX element type {v.dtype}, which numpy cannot hold")
        if v.nbytes == 0:
            return np.zeros(shape, dtype=dtype)
        buf = (ctypes.c_char * v.nbytes).from_address(v.data)
        a = np.frombuffer(buf, dtype=dtype).reshape(shape)
        if copy:
            return a.copy()
        a.flags.writeable = False
        return a
