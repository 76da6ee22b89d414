#!/usr/bin/env python3
"""Writes test/fixtures/hygiene/models: pickles made here (never downloaded), safe and unsafe, protocols 0-5,
nested in PyTorch-style zips, hand-made evasions, truncated copies, and safetensors files sound and broken.
manifest.json labels each file: clean, or the rule the analysis must report. Nothing here is ever unpickled
by Embargo; the unsafe payloads only echo. Run: python3 scripts/hygiene/make-model-fixtures.py"""
import collections, io, json, os, pickle, shutil, struct, sys, types, zipfile

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'hygiene', 'models')
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
manifest = []

def write(name, data, expect):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
    manifest.append({'file': name, 'expect': expect})

def fake(module, name):
    """A callable that pickles as module.name (a stand-in module, so torch/sklearn need not be installed)."""
    parts = module.split('.')
    for i in range(1, len(parts) + 1):
        mod = '.'.join(parts[:i])
        if mod not in sys.modules:
            sys.modules[mod] = types.ModuleType(mod)
    fn = lambda *a, **k: None
    fn.__module__, fn.__qualname__, fn.__name__ = module, name, name
    setattr(sys.modules[module], name, fn)
    return fn

class Call:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args
    def __reduce__(self):
        return (self.fn, self.args)

import builtins, subprocess, runpy, webbrowser, socket, posix, shutil as sh
unsafe = {
    'os_system': Call(os.system, ('echo pwned',)),
    'posix_system': Call(posix.system, ('echo pwned',)),
    'subprocess_popen': Call(subprocess.Popen, (['echo', 'pwned'],)),
    'subprocess_check_output': Call(subprocess.check_output, (['echo'],)),
    'builtins_eval': Call(builtins.eval, ('1+1',)),
    'builtins_exec': Call(builtins.exec, ('x=1',)),
    'builtins_getattr': Call(builtins.getattr, ('text', 'upper')),
    'builtins_compile': Call(builtins.compile, ('1', 'f', 'eval')),
    'runpy_run_path': Call(runpy.run_path, ('x.py',)),
    'os_popen': Call(os.popen, ('echo',)),
    'webbrowser_open': Call(webbrowser.open, ('http://127.0.0.1/',)),
    'socket_connection': Call(socket.create_connection, (('127.0.0.1', 9),)),
    'shutil_rmtree': Call(sh.rmtree, ('/nonexistent',)),
    'nested_in_dict': {'weights': [1.0, 2.0], 'hook': Call(os.system, ('echo',))},
}
other = {
    'unknown_class': Call(fake('mylib.models', 'Builder'), (1,)),
    'sklearn_like': Call(fake('sklearn.linear_model._base', 'LinearRegression'), ()),
}
rebuild = fake('torch._utils', '_rebuild_tensor_v2')
safe = {
    'dict': {'a': 1, 'b': [1, 2, 3], 'c': 'text', 'd': b'bytes', 'e': 1.5, 'f': None, 'g': True},
    'ordered': collections.OrderedDict([('layer.weight', [0.1, 0.2]), ('layer.bias', [0.0])]),
    'nested': {'x': {'y': {'z': (1, 2, frozenset([3]), {4})}}, 'big': 2 ** 100, 'neg': -5},
    'tensor_like': collections.OrderedDict([('w', Call(rebuild, ('storage', 0, (2, 2), (2, 1), False, collections.OrderedDict())))]),
}
try:
    import numpy as np
    safe['numpy_array'] = {'arr': np.arange(6, dtype=np.float32).reshape(2, 3)}
except ImportError:
    pass

for proto in range(6):
    for name, obj in safe.items():
        write(f'safe_{name}_p{proto}.pkl', pickle.dumps(obj, protocol=proto), 'clean')
    for name, obj in unsafe.items():
        write(f'unsafe_{name}_p{proto}.pkl', pickle.dumps(obj, protocol=proto), 'pickle-dangerous-import')
    for name, obj in other.items():
        write(f'unknown_{name}_p{proto}.pkl', pickle.dumps(obj, protocol=proto), 'pickle-unsafe-import')

def torch_zip(obj, proto=2):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
        z.writestr('archive/data.pkl', pickle.dumps(obj, protocol=proto))
        z.writestr('archive/version', '3\n')
        z.writestr('archive/data/0', b'\0' * 16)
    return buf.getvalue()

write('torch_safe.pt', torch_zip(safe['tensor_like']), 'clean')
write('torch_safe_deflated.pth', (lambda b: b)(torch_zip(safe['ordered'])), 'clean')
write('torch_unsafe.pt', torch_zip({'state': safe['ordered'], 'x': unsafe['os_system']}), 'pickle-dangerous-import')
write('pytorch_model.bin', torch_zip({'x': unsafe['builtins_exec']}, 4), 'pickle-dangerous-import')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('model/data.pkl', pickle.dumps({'x': unsafe['runpy_run_path']}, protocol=5))
write('torch_unsafe_deflated.pth', buf.getvalue(), 'pickle-dangerous-import')
# Legacy torch.save: several pickles in a row, then raw tensor bytes.
write('legacy_safe.pt', pickle.dumps(0x1950a86a20f9469cfc6c, 2) + pickle.dumps(1001, 2) + pickle.dumps({'little_endian': True}, 2) + pickle.dumps(safe['ordered'], 2) + pickle.dumps(['0'], 2) + b'\x07\x00garbage-tensor-bytes', 'clean')
write('legacy_unsafe.pt', pickle.dumps(1001, 2) + pickle.dumps({'x': unsafe['subprocess_popen']}, 2) + b'\x00\x01raw', 'pickle-dangerous-import')
write('joblib_like.joblib', pickle.dumps({'model': other['sklearn_like']}, 4), 'pickle-unsafe-import')

# Hand-made evasions: INST (protocol 0), STACK_GLOBAL through the memo, an import after a harmless first pickle.
write('evasion_inst.pkl', b"(S'echo'\nios\nsystem\n.", 'pickle-dangerous-import')
write('evasion_memo.pkl', b'\x80\x04\x8c\x02os\x94\x8c\x06system\x9400h\x00h\x01\x93\x8c\x04echo\x85R.', 'pickle-dangerous-import')
write('evasion_dup.pkl', b'\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R.', 'pickle-dangerous-import')
write('evasion_second.pkl', pickle.dumps(1, 4) + pickle.dumps(unsafe['os_system'], 4), 'pickle-dangerous-import')
write('evasion_ext.pkl', b'\x80\x02\x82\x01)R.', 'pickle-hidden-import')
write('evasion_computed.pkl', b'\x80\x04\x8c\x02os\x8c\x03sys\x8c\x03tem\x86\x93).', 'pickle-hidden-import')

# Broken: truncated, not a pickle, empty, unknown opcode.
write('truncated_safe.pkl', pickle.dumps(safe['dict'], 4)[:20], 'model-malformed')
write('truncated_unsafe.pkl', pickle.dumps(unsafe['os_system'], 2)[:-6], 'pickle-dangerous-import')
write('not_a_pickle.pkl', b'hello, this is text\n', 'model-malformed')
write('empty.pkl', b'', 'model-malformed')
write('bad_opcode.pkl', b'\x80\x04\xff.', 'model-malformed')
write('zip_truncated.pt', torch_zip(safe['ordered'])[:-30], 'model-malformed')

def safetensors(header, data):
    h = json.dumps(header).encode()
    return struct.pack('<Q', len(h)) + h + data

write('sound.safetensors', safetensors({'__metadata__': {'format': 'pt'}, 'a': {'dtype': 'F32', 'shape': [2, 2], 'data_offsets': [0, 16]}, 'b': {'dtype': 'I8', 'shape': [4], 'data_offsets': [16, 20]}}, b'\0' * 20), 'clean')
write('st_past_end.safetensors', safetensors({'a': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]}}, b'\0' * 8), 'safetensors-invalid-header')
write('st_shape.safetensors', safetensors({'a': {'dtype': 'F32', 'shape': [3], 'data_offsets': [0, 16]}}, b'\0' * 16), 'safetensors-invalid-header')
write('st_dtype.safetensors', safetensors({'a': {'dtype': 'F128', 'shape': [1], 'data_offsets': [0, 16]}}, b'\0' * 16), 'safetensors-invalid-header')
write('st_overlap.safetensors', safetensors({'a': {'dtype': 'U8', 'shape': [8], 'data_offsets': [0, 8]}, 'b': {'dtype': 'U8', 'shape': [8], 'data_offsets': [4, 12]}}, b'\0' * 12), 'safetensors-invalid-header')
write('st_gap.safetensors', safetensors({'a': {'dtype': 'U8', 'shape': [4], 'data_offsets': [4, 8]}}, b'\0' * 8), 'safetensors-invalid-header')
write('st_header_len.safetensors', struct.pack('<Q', 10 ** 12) + b'{}', 'safetensors-invalid-header')
write('st_not_json.safetensors', struct.pack('<Q', 4) + b'{{{{', 'safetensors-invalid-header')
write('st_short.safetensors', b'\x01\x02', 'safetensors-invalid-header')

with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=1)
    f.write('\n')
print(f'{len(manifest)} files in {OUT}')
