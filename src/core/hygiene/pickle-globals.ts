/**
 * Globals a pickle may import without being flagged: the containers, numbers and array/tensor rebuilders that
 * PyTorch, NumPy and scikit-learn's plain data use. Everything else is a finding; the `DANGEROUS` ones (code
 * execution, files, processes, network, imports) are critical. Kept as data; `module.*` allows a whole module.
 */
export const SAFE_GLOBALS: readonly string[] = [
  'builtins.set', 'builtins.frozenset', 'builtins.dict', 'builtins.list', 'builtins.tuple', 'builtins.int', 'builtins.float',
  'builtins.complex', 'builtins.bool', 'builtins.bytes', 'builtins.bytearray', 'builtins.str', 'builtins.slice', 'builtins.range',
  '__builtin__.set', '__builtin__.frozenset', '__builtin__.dict', '__builtin__.list', '__builtin__.tuple', '__builtin__.int',
  '__builtin__.float', '__builtin__.complex', '__builtin__.bool', '__builtin__.str', '__builtin__.unicode', '__builtin__.long',
  'collections.OrderedDict', 'collections.defaultdict', 'collections.Counter', 'collections.deque',
  'copy_reg._reconstructor', 'copyreg._reconstructor', '_codecs.encode',
  'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'datetime.timezone', 'decimal.Decimal', 'fractions.Fraction', 'uuid.UUID',
  'torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v3', 'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state', 'torch._utils._rebuild_qtensor', 'torch._utils._rebuild_sparse_tensor', 'torch._tensor._rebuild_from_type_v2',
  'torch.Size', 'torch.device', 'torch.dtype', 'torch.storage._load_from_bytes',
  'torch.FloatStorage', 'torch.DoubleStorage', 'torch.HalfStorage', 'torch.BFloat16Storage', 'torch.LongStorage', 'torch.IntStorage',
  'torch.ShortStorage', 'torch.CharStorage', 'torch.ByteStorage', 'torch.BoolStorage', 'torch.UntypedStorage',
  'torch.float32', 'torch.float16', 'torch.bfloat16', 'torch.float64', 'torch.int64', 'torch.int32', 'torch.int8', 'torch.uint8', 'torch.bool',
  'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar',
  'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer', 'numpy.ndarray', 'numpy.dtype', 'numpy.random._pickle.__randomstate_ctor', 'numpy.random._pickle.__bit_generator_ctor',
  'joblib.numpy_pickle.NumpyArrayWrapper', 'joblib.numpy_pickle.NDArrayWrapper',
];

/** Modules (and module.callables) whose import alone means the file can run code when loaded. */
export const DANGEROUS_GLOBALS: readonly string[] = [
  'os.*', 'posix.*', 'nt.*', 'subprocess.*', 'runpy.*', 'pty.*', 'commands.*', 'popen2.*', 'socket.*', 'shutil.*', 'sys.*', 'importlib.*',
  'webbrowser.*', 'ctypes.*', 'code.*', 'codeop.*', 'multiprocessing.*', 'asyncio.*', 'urllib.*', 'requests.*', 'httplib.*', 'http.*',
  'pickle.*', '_pickle.*', 'cPickle.*', 'dill.*', 'marshal.*', 'types.*', 'operator.attrgetter', 'operator.methodcaller', 'functools.partial',
  'builtins.eval', 'builtins.exec', 'builtins.compile', 'builtins.open', 'builtins.__import__', 'builtins.getattr', 'builtins.setattr',
  'builtins.globals', 'builtins.locals', 'builtins.breakpoint', 'builtins.input', 'builtins.apply',
  '__builtin__.eval', '__builtin__.exec', '__builtin__.execfile', '__builtin__.compile', '__builtin__.open', '__builtin__.file',
  '__builtin__.__import__', '__builtin__.getattr', '__builtin__.setattr', '__builtin__.apply', 'torch.load', 'numpy.load', 'numpy.testing._private.utils.runstring',
];

const matches = (list: readonly string[], name: string): boolean => {
  const module = name.slice(0, name.lastIndexOf('.'));
  return list.some((g) => g === name || (g.endsWith('.*') && (module === g.slice(0, -2) || module.startsWith(`${g.slice(0, -2)}.`))));
};

export const isSafeGlobal = (name: string): boolean => SAFE_GLOBALS.includes(name);
export const isDangerousGlobal = (name: string): boolean => matches(DANGEROUS_GLOBALS, name);
