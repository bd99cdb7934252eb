#include "trace/perfetto_sink.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace chemu {

namespace {
constexpr double kCyclesPerMicrosecond = 1200.0;
double micros(uint64_t cycle) { return double(cycle) / kCyclesPerMicrosecond; }
}  // namespace

PerfettoSink::PerfettoSink(std::FILE* f, std::string name) : TraceSink(f, std::move(name)) {
  write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  for (int core = 0; core < 4; ++core)
    write_record(nlohmann::json{{"name", "thread_name"}, {"ph", "M"}, {"pid", 0}, {"tid", core},
                                {"args", {{"name", fmt::format("core {}", core)}}}}.dump());
}

PerfettoSink::~PerfettoSink() { finish(); }

void PerfettoSink::write_record(const std::string& json) {
  write(first_ ? json : ",\n" + json);
  first_ = false;
}

void PerfettoSink::on_event(const Event& e) {
  if (!f_) return;
  const int tid = e.core < 0 ? 4 : e.core;  // machine-wide events get a track of their own
  if (e.kind == EventKind::SliceStart && e.core >= 0) {
    slice_start_[size_t(e.core)] = e.cycle;
    return;
  }
  if (e.kind == EventKind::SliceEnd && e.core >= 0) {
    const uint64_t start = slice_start_[size_t(e.core)];
    write_record(nlohmann::json{{"name", "running"}, {"ph", "X"}, {"pid", 0}, {"tid", tid}, {"ts", micros(start)},
                                {"dur", micros(e.cycle - start)}, {"args", {{"detail", e.details}}}}.dump());
    return;
  }
  write_record(nlohmann::json{{"name", std::string(event_kind_name(e.kind))}, {"ph", "i"}, {"s", "t"}, {"pid", 0},
                              {"tid", tid}, {"ts", micros(e.cycle)}, {"args", {{"detail", e.details}}}}.dump());
}

void PerfettoSink::finish() {
  if (!f_) return;
  write("\n]}\n");
  close_file();
}

}  // namespace chemu
