"""The README's quick start runs as written (the GPU example on the CPU, with a smaller batch)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_quick_start_runs(tmp_path):
    blocks = _python_blocks()
    assert len(blocks) >= 3, "the quick start lost a code block"
    gpu = blocks[2]
    assert 'device="cuda"' in gpu
    gpu = gpu.replace('device="cuda"', 'device="cpu"').replace("(256, 3, 400, 500)", "(4, 3, 400, 500)")
    script = "\n".join([blocks[0], blocks[1], gpu,
                        "assert out.shape == (4, 3, 224, 224) and out.dtype == torch.float32",
                        "print('quick start ok')"])
    body = "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in script.splitlines())
    path = tmp_path / "quick_start.py"
    path.write_text(body)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "quick start ok" in result.stdout
    # The trace lines the README promises: (transform name, params) for the random steps.
    assert "RandomResizedCrop {'top':" in result.stdout
