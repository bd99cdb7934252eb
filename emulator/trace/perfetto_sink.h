// Chrome/Perfetto trace-event JSON (open it in ui.perfetto.dev or chrome://tracing): one track per
// core, its slices as duration events, and every other event as an instant event on that track.
// Timestamps are virtual microseconds (cycles at 1.2 GHz), so the timeline is as repeatable as the run.
#pragma once
#include <array>
#include <cstdio>

#include "trace/tracer.h"

namespace chemu {

class PerfettoSink final : public TraceSink {
 public:
  PerfettoSink(std::FILE* f, std::string name);
  ~PerfettoSink() override;
  void on_event(const Event& e) override;
  void finish() override;

 private:
  void write_record(const std::string& json);
  bool first_ = true;
  std::array<uint64_t, 4> slice_start_{};
};

}  // namespace chemu
