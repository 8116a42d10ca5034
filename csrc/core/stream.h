// Where a value comes from: the stream layout of the determinism contract.
//
// A stream is a 64-bit key plus two 64-bit bases. Sample `i`, block `b` of a stream is the Philox
// block at counter [lo(bb + b), hi(bb + b), lo(ib + i), hi(ib + i)] under the key: the sample index
// fills the two high counter words and the block number the two low ones (PyTorch's own layout,
// where the block number is the "offset" and the sample index the "subsequence"). Every sampler reads
// a fixed number of blocks per sample, so a sample's values never depend on its neighbours.
//
// index_base lets a stateful generator hand out consecutive sample indices; block_base lets a CUDA
// torch.Generator reserve a range of blocks through its Philox offset.
#pragma once

#include "philox.h"

namespace torchrng {
namespace core {

struct Stream {
  u32x2 key;
  uint64_t index_base;
  uint64_t block_base;
};

TORCHRNG_HD uint32_t lo32(uint64_t x) { return static_cast<uint32_t>(x); }
TORCHRNG_HD uint32_t hi32(uint64_t x) { return static_cast<uint32_t>(x >> 32); }
TORCHRNG_HD uint64_t join64(uint32_t lo, uint32_t hi) {
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

TORCHRNG_HD u32x4 stream_block(const Stream& s, uint64_t index, uint64_t block) {
  const uint64_t i = s.index_base + index;  // wraps modulo 2^64 by design
  const uint64_t b = s.block_base + block;
  return philox4x32<10>(u32x4{{lo32(b), hi32(b), lo32(i), hi32(i)}}, s.key);
}

// The blocks of one sample, read by block number.
struct SampleBlocks {
  Stream stream;
  uint64_t index;
  TORCHRNG_HD u32x4 operator()(uint64_t block) const { return stream_block(stream, index, block); }
};

}  // namespace core
}  // namespace torchrng
