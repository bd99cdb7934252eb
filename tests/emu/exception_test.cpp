#include "cpu/exception.h"

#include <gtest/gtest.h>

#include "cpu/unicorn_compat.h"

namespace chemu {
namespace {

// Catches: vector offsets from the wrong table quadrant (ARM ARM D1.10.2).
TEST(ExceptionEntry, VectorOffsetsFollowSourceElAndStackPointer) {
  const uint32_t el0 = 0, el1t = 1u << pstate::kElShift, el1h = pstate::kEl1h;
  const uint32_t el2h = (2u << pstate::kElShift) | pstate::kSpSel;
  EXPECT_EQ(plan_entry(el0, 1, ExceptionKind::Sync).vector_offset, 0x400u);
  EXPECT_EQ(plan_entry(el0, 1, ExceptionKind::Irq).vector_offset, 0x480u);
  EXPECT_EQ(plan_entry(el1t, 1, ExceptionKind::Sync).vector_offset, 0x000u);
  EXPECT_EQ(plan_entry(el1h, 1, ExceptionKind::Sync).vector_offset, 0x200u);
  EXPECT_EQ(plan_entry(el1h, 1, ExceptionKind::Irq).vector_offset, 0x280u);
  EXPECT_EQ(plan_entry(el1h, 2, ExceptionKind::Sync).vector_offset, 0x400u);  // HVC from EL1
  EXPECT_EQ(plan_entry(el2h, 2, ExceptionKind::Sync).vector_offset, 0x200u);
  EXPECT_EQ(plan_entry(el2h, 3, ExceptionKind::Irq).vector_offset, 0x480u);
}

// Catches: entering with interrupts unmasked, at the wrong EL, or with the wrong SP banks swapped.
TEST(ExceptionEntry, MasksInterruptsAndBanksTheStack) {
  const EntryPlan from_user = plan_entry(0, 1, ExceptionKind::Sync);
  EXPECT_EQ(from_user.new_pstate, pstate::kEl1h | pstate::kDaif);
  EXPECT_EQ(from_user.sp_from, 0);
  EXPECT_EQ(from_user.sp_to, 1);
  const EntryPlan from_kernel = plan_entry(pstate::kEl1h, 1, ExceptionKind::Irq);
  EXPECT_EQ(from_kernel.sp_from, from_kernel.sp_to);  // nothing to swap
  EXPECT_EQ(plan_entry(1u << pstate::kElShift, 1, ExceptionKind::Sync).sp_from, 0);  // EL1t runs on SP_EL0
  const EntryPlan hvc = plan_entry(pstate::kEl1h, 2, ExceptionKind::Sync);
  EXPECT_EQ(pstate::el(hvc.new_pstate), 2);
  EXPECT_EQ(hvc.sp_from, 1);
  EXPECT_EQ(hvc.sp_to, 2);
}

// Catches: IRQs routed or masked against ARM ARM D1.13 (SCR_EL3.IRQ, HCR_EL2.IMO/TGE, PSTATE.I).
TEST(ExceptionEntry, InterruptRoutingAndMasking) {
  using namespace route;
  EXPECT_EQ(interrupt_target_el(SCR_NS | SCR_RW, HCR_RW, false), 1);
  EXPECT_EQ(interrupt_target_el(SCR_NS | SCR_RW, HCR_RW | HCR_IMO, false), 2);
  EXPECT_EQ(interrupt_target_el(SCR_RW, HCR_RW | HCR_IMO, false), 1);  // Secure: HCR_EL2 does not apply
  EXPECT_EQ(interrupt_target_el(SCR_NS | SCR_IRQ, 0, false), 3);
  EXPECT_EQ(interrupt_target_el(SCR_NS, HCR_IMO, true), 1);  // IMO routes IRQs, not FIQs
  const uint32_t el1_masked = pstate::kEl1h | pstate::kI, el1_open = pstate::kEl1h;
  const uint32_t el2_open = (2u << pstate::kElShift) | pstate::kSpSel;
  EXPECT_FALSE(interrupt_taken(el1_masked, 1, false));
  EXPECT_TRUE(interrupt_taken(el1_open, 1, false));
  EXPECT_TRUE(interrupt_taken(el1_masked, 2, false));   // a higher target ignores the lower EL's mask
  EXPECT_FALSE(interrupt_taken(el2_open, 1, false));    // never taken down to EL1 from EL2
  EXPECT_TRUE(interrupt_taken(el2_open, 2, false));
}

// The start-up self-check runs the real entry path (EL0 SVC -> EL1 vector) on this Unicorn.
TEST(UnicornCompat, SelfCheckFindsTheContextLayout) {
  const ucx::ContextLayout& l = ucx::context_layout();
  EXPECT_GT(l.blob_size, l.vaddress);
  EXPECT_EQ(l.vaddress, l.syndrome + 8);
  EXPECT_EQ(l.target_el, l.syndrome + 16);
}

}  // namespace
}  // namespace chemu
