// Core snapshots and the write tracking they need (Machine::take_snapshot, machine/ram_journal.h).
#include "cpu/core.h"
#include "cpu/unicorn_compat.h"

namespace chemu {

Core::EngineContext Core::save_engine() const {
  uc_context* ctx = nullptr;
  ucx::check(uc_context_alloc(uc_, &ctx), "uc_context_alloc");
  EngineContext owned(ctx);
  ucx::check(uc_context_save(uc_, ctx), "uc_context_save");
  return owned;
}

// The context holds the CPU state, not the engine's TLB or translated code: both may describe the
// timeline that is being left (other mappings, code in pages the journal just put back).
void Core::restore_engine(uc_context* saved, const std::vector<uint64_t>& rewritten) {
  ucx::check(uc_context_restore(uc_, saved), "uc_context_restore");
  ucx::flush_tlb(uc_);
  ucx::invalidate_code_pages(uc_, rewritten, RamJournal::kPageSize);
  clear_block_cache();
  code_pages_complete_ = false;  // code_pages_ belongs to the timeline that is left
}

void Core::track_writes(RamJournal* journal) {
  journal_ = journal;
  if (journal_hook_ && !journal) {
    uc_hook_del(uc_, *journal_hook_);
    journal_hook_.reset();
  } else if (!journal_hook_ && journal) {
    uc_hook h;
    ucx::check(uc_hook_add(uc_, &h, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&Core::on_ram_write), this, 0, GuestRam::size() - 1),
               "hook RAM writes");
    journal_hook_ = h;
    // Code translated before the hook existed stores without calling it: drop it (between slices).
    ucx::invalidate_code(uc_, 0, GuestRam::size());
    ucx::flush_tlb(uc_);
  }
}

// Called before the store: the journal still sees the bytes it overwrites.
bool Core::on_ram_write(uc_engine*, uc_mem_type, uint64_t addr, int size, int64_t, void* self) {
  Core& c = *static_cast<Core*>(self);
  if (GuestRam::contains(addr, uint64_t(size))) c.journal_->before_write(addr, uint64_t(size));
  return true;
}

}  // namespace chemu
