// The interleaver decides which core runs next and for how many instructions. It is the only source
// of ordering between cores, and it is a pure function of its seed and of which cores can run, so a
// run can be repeated exactly or replayed from a recorded schedule.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace chemu {

constexpr int kNumCores = 4;
using Runnable = std::array<bool, kNumCores>;

struct Slice {
  int core;
  uint64_t budget;  // instructions
};

class Interleaver {
 public:
  virtual ~Interleaver() = default;
  // Precondition: at least one core is runnable.
  virtual Slice next(const Runnable& runnable) = 0;
};

// Fixed quantum, cores in turn.
class RoundRobin final : public Interleaver {
 public:
  explicit RoundRobin(uint64_t quantum) : quantum_(quantum) {}
  Slice next(const Runnable& runnable) override;

 private:
  uint64_t quantum_;
  int last_ = kNumCores - 1;
};

}  // namespace chemu
