// AArch64 system-register encodings (op0, op1, CRn, CRm, op2) that chemu reads, writes or serves.
#pragma once
#include <cstdint>
#include <unicorn/unicorn.h>

namespace chemu {

struct Sysreg {
  uint8_t op0, op1, crn, crm, op2;
  constexpr bool operator==(const Sysreg&) const = default;
  // The 16-bit encoding op0:op1:CRn:CRm:op2, as in MRS/MSR (for ordered maps).
  constexpr uint16_t key() const { return uint16_t((op0 & 3) << 14 | (op1 & 7) << 11 | (crn & 15) << 7 | (crm & 15) << 3 | (op2 & 7)); }
  static constexpr Sysreg of(const uc_arm64_cp_reg& cp) {
    return {uint8_t(cp.op0), uint8_t(cp.op1), uint8_t(cp.crn), uint8_t(cp.crm), uint8_t(cp.op2)};
  }
};

namespace sysreg {
constexpr Sysreg MPIDR_EL1{3, 0, 0, 0, 5};
constexpr Sysreg SCTLR_EL1{3, 0, 1, 0, 0};
constexpr Sysreg TTBR0_EL1{3, 0, 2, 0, 0};
constexpr Sysreg TTBR1_EL1{3, 0, 2, 0, 1};
constexpr Sysreg TCR_EL1{3, 0, 2, 0, 2};
constexpr Sysreg SPSR_EL1{3, 0, 4, 0, 0};
constexpr Sysreg ELR_EL1{3, 0, 4, 0, 1};
constexpr Sysreg ESR_EL1{3, 0, 5, 2, 0};
constexpr Sysreg FAR_EL1{3, 0, 6, 0, 0};
constexpr Sysreg VBAR_EL1{3, 0, 12, 0, 0};
constexpr Sysreg CNTKCTL_EL1{3, 0, 14, 1, 0};
constexpr Sysreg PMCCNTR_EL0{3, 3, 9, 13, 0};
constexpr Sysreg CNTFRQ_EL0{3, 3, 14, 0, 0};
constexpr Sysreg CNTPCT_EL0{3, 3, 14, 0, 1};
constexpr Sysreg CNTVCT_EL0{3, 3, 14, 0, 2};
constexpr Sysreg CNTP_TVAL_EL0{3, 3, 14, 2, 0};
constexpr Sysreg CNTP_CTL_EL0{3, 3, 14, 2, 1};
constexpr Sysreg CNTP_CVAL_EL0{3, 3, 14, 2, 2};
constexpr Sysreg CNTV_TVAL_EL0{3, 3, 14, 3, 0};
constexpr Sysreg CNTV_CTL_EL0{3, 3, 14, 3, 1};
constexpr Sysreg CNTV_CVAL_EL0{3, 3, 14, 3, 2};
constexpr Sysreg CNTVOFF_EL2{3, 4, 14, 0, 3};
constexpr Sysreg HCR_EL2{3, 4, 1, 1, 0};
constexpr Sysreg SCR_EL3{3, 6, 1, 1, 0};
constexpr Sysreg CPACR_EL1{3, 0, 1, 0, 2};
constexpr Sysreg CPTR_EL2{3, 4, 1, 1, 2};
constexpr Sysreg CPTR_EL3{3, 6, 1, 1, 2};
constexpr Sysreg MDCCSR_EL0{2, 3, 0, 1, 0};
constexpr Sysreg L2CTLR_EL1{3, 1, 11, 0, 2};
constexpr Sysreg CBAR_EL1{3, 1, 15, 3, 0};
constexpr Sysreg PMCR_EL0{3, 3, 9, 12, 0};
constexpr Sysreg MDCR_EL2{3, 4, 1, 1, 1};
constexpr Sysreg MDCR_EL3{3, 6, 1, 3, 1};
constexpr Sysreg PMUSERENR_EL0{3, 3, 9, 14, 0};
constexpr Sysreg FPCR{3, 3, 4, 4, 0};
constexpr Sysreg FPSR{3, 3, 4, 4, 1};

// The registers an exception taken to EL1, EL2 or EL3 writes or reads: same CRn/CRm/op2 at every EL,
// op1 = 0, 4, 6.
constexpr uint8_t op1_of_el(int el) { return el == 3 ? 6 : el == 2 ? 4 : 0; }
constexpr Sysreg SPSR_ELx(int el) { return {3, op1_of_el(el), 4, 0, 0}; }
constexpr Sysreg ELR_ELx(int el) { return {3, op1_of_el(el), 4, 0, 1}; }
constexpr Sysreg ESR_ELx(int el) { return {3, op1_of_el(el), 5, 2, 0}; }
constexpr Sysreg FAR_ELx(int el) { return {3, op1_of_el(el), 6, 0, 0}; }
constexpr Sysreg VBAR_ELx(int el) { return {3, op1_of_el(el), 12, 0, 0}; }
// Maintenance instructions seen by the SYS hook (op0 = 1).
constexpr Sysreg TLBI_VMALLE1{1, 0, 8, 7, 0};
constexpr Sysreg IC_IVAU{1, 3, 7, 5, 1};  // by virtual address (Xt); the other IC operations invalidate all
}  // namespace sysreg

// MDCR_EL2/MDCR_EL3 bits that send debug (TDA, and TDE in MDCR_EL2) and PMU (TPM) accesses up.
namespace mdcr {
constexpr uint64_t TPM = 1u << 6, TDE = 1u << 8, TDA = 1u << 9;
}

// CNTFRQ, CNTPCT, CNTVCT and the EL0 timers CNTP_*/CNTV_* (op0 = 3, op1 = 3, CRn = 14): what the
// system counter's value decides.
inline constexpr bool is_generic_timer_register(const Sysreg& r) { return r.op0 == 3 && r.op1 == 3 && r.crn == 14; }

// SYS instructions that need propagating to the other cores: instruction-cache or TLB maintenance.
inline constexpr bool is_ic_maintenance(const Sysreg& r) { return r.op0 == 1 && r.op1 <= 3 && r.crn == 7 && (r.crm == 1 || r.crm == 5); }
inline constexpr bool is_tlb_maintenance(const Sysreg& r) { return r.op0 == 1 && r.crn == 8; }

}  // namespace chemu
