#include "gdb/gdb_stub.h"

#include <algorithm>

#include <fmt/format.h>

#include "gdb/registers.h"

namespace chemu::gdb {

namespace {
constexpr int kSigInt = 2, kSigTrap = 5;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    const size_t next = s.find(sep, at);
    parts.push_back(s.substr(at, next - at));
    if (next == std::string_view::npos) return parts;
    at = next + 1;
  }
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
}  // namespace

GdbStub::GdbStub(Machine& machine, int port, bool wait, uint64_t snapshot_interval)
    : snapshot_interval_(snapshot_interval), machine_(machine), server_(port), wait_at_start_(wait) {}

// ---- the machine's side ------------------------------------------------------------------------

void GdbStub::run_starts() {
  for (int i = 0; i < kNumCores; ++i) last_pc_[size_t(i)] = machine_.core(i).pc();
  if (!wait_at_start_) return;
  server_.accept_client(true);
  attached(0);
}

// A client came: every core reports its instructions from now on (we are between slices), and the
// machine stops, as gdb expects of a target it connects to.
void GdbStub::attached(int core) {
  for (int i = 0; i < kNumCores; ++i) machine_.core(i).observe_instructions(true);
  if (snapshot_interval_ && checkpoints_.empty()) take_checkpoint();  // the start of history
  stopped({core, Why::Attach}, -1);
}

// Between slices: a client connecting stops the machine (gdb expects a stopped target), and so does
// Ctrl-C. Every core is between instructions here; the one that just ran is reported.
void GdbStub::slice_ended(int core) {
  if (ended_) return;
  if (unhook_at_slice_end_) unhook();
  if (travel_ == Travel::Abandon) {  // the slice a restore was waiting for has ended
    restore(travel_checkpoint_);
    travel_ = after_abandon_;
    if (travel_ == Travel::None) stopped(target_.stop, -1);
    return;
  }
  if (travel_ == Travel::Scan && position() >= scan_until_) {
    scan_ended(-1);
    // Between slices the restore is done at once: back at the start of history, nothing runs on to
    // a point that would stop the machine, so it stops here (else it ran on to the next hit).
    if (travel_ == Travel::None) stopped(target_.stop, -1);
    return;
  }
  if (server_.connected() && !checkpoints_.empty() &&
      machine_.total_instructions() >= checkpoints_.back().instructions + snapshot_interval_)
    take_checkpoint();
  if (travel_ != Travel::None) return;
  if (!server_.connected()) {
    if (server_.accept_client(false)) attached(core);
    return;
  }
  if (server_.interrupted()) stopped({core, Why::Interrupt}, -1);
}

void GdbStub::run_ended(const RunResult& result) {
  ended_ = true;
  if (!server_.connected()) return;
  server_.send_packet(fmt::format("W{:02x}", uint8_t(result.exit_code)));
  server_.close_client();
}

void GdbStub::before_instruction(int core, uint64_t pc) {
  last_pc_[size_t(core)] = pc;
  ++calls_, ++core_calls_[size_t(core)];
  if (travel_ != Travel::None) [[unlikely]] {
    if (travel_ == Travel::Scan && Position{calls_, 0} >= scan_until_) return scan_ended(core);
    for (const Breakpoint& b : breakpoints_)
      if (b.addr == pc) note_hit({core, Why::Breakpoint, 0, 0, b.hardware}, 0);
    if (travel_ == Travel::Reach && reached(core, 0)) return stopped(target_.stop, core);
    return;
  }
  if (!armed_) [[likely]] return;
  if (core == step_core_) {
    if (step_skip_) {  // the instruction the step is to run: it has not run yet
      const bool skip = *step_skip_ == pc;
      step_skip_.reset();
      if (skip) return;
    }
    step_core_ = -1;
    update_armed();
    return stopped({core, Why::Step}, core);
  }
  for (const Breakpoint& b : breakpoints_)
    if (b.addr == pc && eligible(core)) return stopped({core, Why::Breakpoint, 0, 0, b.hardware}, core);
}

// Called before the access: the instruction has not changed memory yet. The engine gives the
// physical address; watchpoints were translated when gdb set them.
void GdbStub::memory_access(int core, uint64_t pa, unsigned size, bool write) {
  if (travel_ == Travel::Scan && Position{calls_, 1} >= scan_until_) return scan_ended(core);
  if (!eligible(core) && travel_ == Travel::None) return;
  for (const Watchpoint& w : watchpoints_) {
    const bool kind_matches = w.kind == '4' || (w.kind == '2') == write;
    if (!kind_matches || pa >= w.pa + w.len || w.pa >= pa + size) continue;
    const Stop hit{core, Why::Watch, w.addr + (std::max(pa, w.pa) - w.pa), w.kind};
    if (travel_ == Travel::None) return stopped(hit, core);
    note_hit(hit, 1);
    if (travel_ == Travel::Reach && reached(core, 1)) return stopped(target_.stop, core);
    return;
  }
}

void GdbStub::update_armed() { armed_ = server_.connected() && (step_core_ >= 0 || !breakpoints_.empty()); }

// ---- stopped: serving gdb -----------------------------------------------------------------------

void GdbStub::stopped(const Stop& stop, int in_hook) {
  last_stop_ = stop;
  in_hook_ = in_hook;
  g_core_ = stop.core;
  if (stop.why != Why::Attach) server_.send_packet(stop_reply());
  while (server_.connected()) {
    const std::optional<std::string> packet = server_.read_packet();
    if (!packet) break;
    if (handle(*packet)) break;
  }
  if (!server_.connected()) detach();  // gdb went away: run on as if it had never come
  in_hook_ = -1;
}

std::string GdbStub::stop_reply() const {
  const Stop& s = last_stop_;
  std::string r = fmt::format("T{:02x}thread:{:x};", s.why == Why::Interrupt ? kSigInt : kSigTrap, s.core + 1);
  if (s.why == Why::Breakpoint) r += s.hardware ? "hwbreak:;" : "swbreak:;";
  if (s.why == Why::HistoryBegin) r += "replaylog:begin;";
  if (s.why == Why::Watch) r += fmt::format("{}:{:x};", s.watch_kind == '2' ? "watch" : s.watch_kind == '3' ? "rwatch" : "awatch", s.data_address);
  return r;
}

void GdbStub::detach() {
  breakpoints_.clear();
  watchpoints_.clear();
  // Deleting a hook of the engine whose hook holds the thread derails it (the guest jumps to a
  // wrong PC): inside a hook, the hooks go at the end of the slice.
  if (in_hook_ >= 0) unhook_at_slice_end_ = true;
  else unhook();
  step_core_ = -1;
  resume_all_ = true;
  update_armed();
}

void GdbStub::unhook() {
  unhook_at_slice_end_ = false;
  for (int i = 0; i < kNumCores; ++i) machine_.core(i).watch_memory(false), machine_.core(i).observe_instructions(false);
}

uint64_t GdbStub::pc_of(int core) const {
  // Inside a hook the engine's PC may lag behind the instruction; the hook said which one it is.
  return core == in_hook_ ? last_pc_[size_t(core)] : machine_.core(core).pc();
}

std::optional<int> GdbStub::thread_core(std::string_view id) const {
  if (id == "-1") return -1;
  if (id == "0") return g_core_;
  const std::optional<uint64_t> n = parse_hex(id);
  if (!n || *n < 1 || *n > kNumCores) return std::nullopt;
  return int(*n - 1);
}

bool GdbStub::handle(const std::string& p) {
  auto reply = [this](std::string_view r) { server_.send_packet(r); };
  if (p.empty()) return reply(""), false;
  const std::string_view args = std::string_view(p).substr(1);
  switch (p[0]) {
    case '?': return reply(stop_reply()), false;
    case 'g': return reply(read_registers(g_core_)), false;
    case 'G': return reply("E01"), false;  // whole-file writes: use P for x0-x30 and v0-v31
    case 'p': {
      const std::optional<uint64_t> n = parse_hex(args);
      const auto bytes = n ? read_register(machine_.core(g_core_), int(*n), pc_of(g_core_)) : std::nullopt;
      return reply(bytes ? hex_encode(*bytes) : "E01"), false;
    }
    case 'P': {
      const size_t eq = args.find('=');
      const std::optional<uint64_t> n = parse_hex(args.substr(0, eq));
      const std::optional<std::string> bytes = eq == std::string_view::npos ? std::nullopt : hex_decode(args.substr(eq + 1));
      const bool ok = n && bytes && write_register(machine_.core(g_core_), int(*n), *bytes);
      return reply(ok ? "OK" : "E01"), false;
    }
    case 'm': return reply(read_memory(args)), false;
    case 'M': return reply(write_memory(args)), false;
    case 'H': {
      const std::optional<int> core = thread_core(args.substr(1));
      if (!core) return reply("E01"), false;
      if (args[0] == 'g') g_core_ = *core < 0 ? g_core_ : *core;
      else c_core_ = *core;
      return reply("OK"), false;
    }
    case 'T': return reply(thread_core(args).value_or(-1) >= 0 ? "OK" : "E01"), false;
    case 'Z':
    case 'z': return reply(breakpoint_packet(p)), false;
    case 'c': return resume("c");
    case 's': return resume(c_core_ >= 0 ? fmt::format("s:{:x}", c_core_ + 1) : fmt::format("s:{:x}", g_core_ + 1));
    case 'D': reply("OK"), detach(), server_.close_client(); return true;
    case 'b':
      if (!snapshot_interval_ || checkpoints_.empty() || (p != "bs" && p != "bc")) return reply(snapshot_interval_ ? "" : "E01"), false;
      if (p == "bs") reverse_step(c_core_ >= 0 ? c_core_ : g_core_);
      else reverse_continue();
      if (travel_ != Travel::None) return true;  // the machine runs to the point
      last_stop_ = target_.stop;                  // already there: the start of history
      return reply(stop_reply()), false;
    case 'k':
      machine_.end_run("killed from gdb");
      detach();
      server_.close_client();
      return true;
    default: break;
  }
  if (p == "vCont?") return reply("vCont;c;C;s;S"), false;
  if (starts_with(p, "vCont;")) {
    if (resume(std::string_view(p).substr(6))) return true;
    return reply("E01"), false;
  }
  if (starts_with(p, "qSupported"))
    return reply(fmt::format("PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+{}",
                             snapshot_interval_ ? ";ReverseStep+;ReverseContinue+" : "")),
           false;
  if (p == "QStartNoAckMode") return reply("OK"), server_.set_no_ack(), false;
  if (starts_with(p, "qXfer:features:read:target.xml:")) {
    const auto range = split(std::string_view(p).substr(31), ',');
    const auto off = parse_hex(range[0]), len = range.size() > 1 ? parse_hex(range[1]) : std::nullopt;
    if (!off || !len) return reply("E01"), false;
    const std::string& xml = target_xml();
    if (*off >= xml.size()) return reply("l"), false;
    return reply((*off + *len >= xml.size() ? "l" : "m") + xml.substr(*off, *len)), false;
  }
  if (p == "qfThreadInfo") return reply("m1,2,3,4"), false;
  if (p == "qsThreadInfo") return reply("l"), false;
  if (p == "qC") return reply(fmt::format("QC{:x}", g_core_ + 1)), false;
  if (p == "qAttached") return reply("1"), false;
  if (starts_with(p, "qThreadExtraInfo,")) {
    const std::optional<int> core = thread_core(std::string_view(p).substr(17));
    return reply(core && *core >= 0 ? hex_encode(thread_info(*core)) : "E01"), false;
  }
  if (starts_with(p, "qRcmd,")) {
    const std::optional<std::string> cmd = hex_decode(std::string_view(p).substr(6));
    if (!cmd) return reply("E01"), false;
    server_.send_packet("O" + hex_encode(monitor(*cmd)));
    return reply("OK"), false;
  }
  return reply(""), false;  // not supported: gdb falls back or says so
}

// vCont actions: `c`, `s:N`, `c:N`, `s` (... `C`/`S` with a signal: the signal is dropped, chemu has
// no signals to deliver). One stepped core at most; `c` without a thread resumes the others.
bool GdbStub::resume(std::string_view actions) {
  int step = -1;
  bool all = false;
  for (std::string_view a : split(actions, ';')) {
    if (a.empty()) continue;
    const size_t colon = a.find(':');
    std::string_view what = a.substr(0, colon), thread = colon == std::string_view::npos ? "-1" : a.substr(colon + 1);
    const std::optional<int> core = thread_core(thread);
    if (!core || what.empty()) return false;
    const char kind = what[0];
    if (kind == 's' || kind == 'S') {
      if (step < 0) step = *core < 0 ? g_core_ : *core;
    } else if (kind == 'c' || kind == 'C') {
      all = all || *core < 0 || step < 0 || *core != step;
    } else {
      return false;
    }
  }
  step_core_ = step;
  resume_all_ = step < 0 || all;
  // The stepped core's next instruction hook is the instruction it is at, unless the host thread is
  // inside that core's hook (the instruction there runs as soon as the hook returns).
  step_skip_ = step >= 0 && step != in_hook_ ? std::optional(machine_.core(step).pc()) : std::nullopt;
  update_armed();
  return true;
}

std::string GdbStub::read_registers(int core) const {
  std::string all;
  for (int n = 0; n < register_count(); ++n) all += hex_encode(*read_register(machine_.core(core), n, pc_of(core)));
  return all;
}

// Guest memory by virtual address through the core's own translation, RAM only: a device register
// is never read (a read may change it).
std::string GdbStub::read_memory(std::string_view args) const {
  const auto parts = split(args, ',');
  const auto addr = parse_hex(parts[0]), len = parts.size() > 1 ? parse_hex(parts[1]) : std::nullopt;
  if (!addr || !len || *len > 0x10000) return "E01";
  const Core& core = machine_.core(g_core_);
  std::string bytes;
  std::optional<uint64_t> pa;
  for (uint64_t i = 0; i < *len; ++i) {
    const uint64_t va = *addr + i;
    if (i == 0 || (va & 0xfff) == 0) pa = core.translate(va & ~0xfffull);
    const std::optional<uint8_t> b = pa ? machine_.ram().load<uint8_t>(*pa + (va & 0xfff)) : std::nullopt;
    if (!b) break;
    bytes += char(*b);
  }
  return bytes.empty() && *len ? "E14" : hex_encode(bytes);
}

std::string GdbStub::write_memory(std::string_view args) {
  const size_t colon = args.find(':');
  const auto parts = split(args.substr(0, colon), ',');
  const auto addr = parse_hex(parts[0]), len = parts.size() > 1 ? parse_hex(parts[1]) : std::nullopt;
  const auto data = colon == std::string_view::npos ? std::nullopt : hex_decode(args.substr(colon + 1));
  if (!addr || !len || !data || data->size() != *len) return "E01";
  const Core& core = machine_.core(g_core_);
  for (uint64_t i = 0; i < data->size(); ++i) {
    const std::optional<uint64_t> pa = core.translate(*addr + i);
    if (!pa || !machine_.ram().store<uint8_t>(*pa, uint8_t((*data)[i]))) return "E14";
  }
  return "OK";
}

// Z0/Z1 (breakpoints, both kept here), Z2/Z3/Z4 (write, read, access watchpoints).
std::string GdbStub::breakpoint_packet(const std::string& p) {
  const auto parts = split(std::string_view(p).substr(1), ',');
  if (parts.size() < 3 || parts[0].size() != 1) return "E01";
  const char type = parts[0][0];
  const auto addr = parse_hex(parts[1]), len = parse_hex(parts[2]);
  if (!addr || !len) return "E01";
  const bool insert = p[0] == 'Z';
  if (type == '0' || type == '1') {
    const bool hw = type == '1';
    auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) { return b.addr == *addr && b.hardware == hw; });
    if (insert && it == breakpoints_.end()) breakpoints_.push_back({*addr, hw});
    if (!insert && it != breakpoints_.end()) breakpoints_.erase(it);
    update_armed();
    return "OK";
  }
  if (type < '2' || type > '4' || *len == 0) return "";
  auto it = std::find_if(watchpoints_.begin(), watchpoints_.end(),
                         [&](const Watchpoint& w) { return w.addr == *addr && w.len == *len && w.kind == type; });
  // By physical address, through the translation of the selected core now (the kernel's variables
  // are mapped the same on every core; with the MMU off the address is physical already).
  const uint64_t pa = machine_.core(g_core_).translate(*addr).value_or(*addr);
  if (insert && it == watchpoints_.end()) watchpoints_.push_back({*addr, *len, type, pa});
  if (!insert && it != watchpoints_.end()) watchpoints_.erase(it);
  for (int i = 0; i < kNumCores; ++i) machine_.core(i).watch_memory(!watchpoints_.empty());
  return "OK";
}

std::string GdbStub::thread_info(int core) const {
  const Core& c = machine_.core(core);
  return fmt::format("core {} EL{} {}", core, c.el(), core_state_name(c.state()));
}

std::string GdbStub::monitor(const std::string& command) const {
  const MachineConfig& cfg = machine_.config();
  if (command == "state" || command == "info") {
    const char* sched = !cfg.replay.empty() ? "replay" : cfg.sched == SchedPolicy::Random ? "random" : cfg.sched == SchedPolicy::Pct ? "pct" : cfg.sched == SchedPolicy::PctComm ? "pct-comm" : "rr";
    std::string s = fmt::format("slice {} (slices run so far), {} instructions in all; sched {} seed {} quantum {}\n", machine_.slices(),
                                machine_.total_instructions(), sched, cfg.seed, cfg.quantum);
    size_t kept = 0;
    for (size_t i = 0; i < machine_.snapshot_count(); ++i) kept += machine_.snapshot_bytes(i);
    s += fmt::format("reverse execution: {} snapshots (every {} instructions), {} KiB kept\n", checkpoints_.size(), snapshot_interval_, kept / 1024);
    for (int i = 0; i < kNumCores; ++i) {
      const Core& c = machine_.core(i);
      s += fmt::format("core {}: {:<10} EL{} pc={:#x} cycles={} instructions={}\n", i, core_state_name(c.state()), c.el(), pc_of(i),
                       c.cycles(), c.instructions());
    }
    return s;
  }
  return "chemu monitor commands:\n  state   slice number, instructions, seed and policy; each core's state, EL, PC, cycles\n";
}

// ---- time travel --------------------------------------------------------------------------------

GdbStub::Position GdbStub::position() const {
  if (in_hook_ < 0) return {calls_, 2};
  return {calls_, last_stop_.why == Why::Watch ? 1 : 0};
}

void GdbStub::take_checkpoint() {
  checkpoints_.push_back({machine_.take_snapshot(), calls_, core_calls_, machine_.total_instructions()});
}

std::optional<size_t> GdbStub::last_checkpoint_before(Position p) const {
  for (size_t i = checkpoints_.size(); i-- > 0;)
    if (Position{checkpoints_[i].calls, 2} < p) return i;
  return std::nullopt;
}

// The selected core's previous instruction: the last one it ran (the one it is stopped at has not
// run yet), with the registers it had before it ran.
void GdbStub::reverse_step(int core) {
  const uint64_t ran = core_calls_[size_t(core)] - (in_hook_ == core ? 1 : 0);
  std::optional<size_t> from;
  for (size_t i = checkpoints_.size(); i-- > 0 && ran > 0;)
    if (checkpoints_[i].core_calls[size_t(core)] < ran) {
      from = i;
      break;
    }
  if (!from) {  // that instruction ran before the first snapshot
    target_ = {{core, Why::HistoryBegin}, std::nullopt, std::nullopt};
    return go_back(0, Travel::None, in_hook_);
  }
  target_ = {{core, Why::Step}, std::nullopt, ran};
  go_back(*from, Travel::Reach, in_hook_);
}

// Back to the latest breakpoint or watchpoint hit before here: scan the interval this stop is in,
// then the ones before it, until one has a hit; then run to that hit again.
void GdbStub::reverse_continue() {
  const Position now = position();
  target_ = {{g_core_, Why::HistoryBegin}, std::nullopt, std::nullopt};
  const std::optional<size_t> from = last_checkpoint_before(now);
  if (!from) return go_back(0, Travel::None, in_hook_);
  scan_until_ = now;
  travel_checkpoint_ = *from;
  last_hit_.reset();
  go_back(*from, Travel::Scan, in_hook_);
}

// Restores `checkpoint`, then travels as `then` says (None: stop there). Inside a slice (`in_slice`
// is the core whose hook holds the thread) the restore waits for the slice to end.
void GdbStub::go_back(size_t checkpoint, Travel then, int in_slice) {
  travel_checkpoint_ = checkpoint;
  if (in_slice >= 0) {
    travel_ = Travel::Abandon;
    after_abandon_ = then;
    machine_.abandon_slice(in_slice);
    return;
  }
  restore(checkpoint);
  travel_ = then;
}

void GdbStub::restore(size_t checkpoint) {
  const Checkpoint cp = checkpoints_.at(checkpoint);
  machine_.restore_snapshot(cp.snapshot);
  checkpoints_.resize(checkpoint + 1);
  calls_ = cp.calls;
  core_calls_ = cp.core_calls;
  for (int i = 0; i < kNumCores; ++i) last_pc_[size_t(i)] = machine_.core(i).pc();
  step_core_ = -1;
  step_skip_.reset();
  resume_all_ = true;
  update_armed();
}

// The scanned interval is over: go to its last hit, or scan the interval before it.
void GdbStub::scan_ended(int in_slice) {
  if (last_hit_) {
    target_ = {last_hit_->first, last_hit_->second, std::nullopt};
    last_hit_.reset();
    return go_back(travel_checkpoint_, Travel::Reach, in_slice);
  }
  if (travel_checkpoint_ == 0) return go_back(0, Travel::None, in_slice);  // target_ says: start of history
  scan_until_ = {checkpoints_[travel_checkpoint_].calls, 2};
  go_back(travel_checkpoint_ - 1, Travel::Scan, in_slice);
}

void GdbStub::note_hit(const Stop& hit, int sub) {
  if (travel_ == Travel::Scan) last_hit_ = {hit, Position{calls_, sub}};
}

bool GdbStub::reached(int core, int sub) {
  const bool there = target_.core_call ? core == target_.stop.core && sub == 0 && core_calls_[size_t(core)] == *target_.core_call
                                       : target_.at == Position{calls_, sub};
  if (there) travel_ = Travel::None, update_armed();
  return there;
}

}  // namespace chemu::gdb
