// Errors as values: Result<T> holds either a T or a negative errno (SerenityOS's ErrorOr, small).
#pragma once
#include "common/types.h"

struct Error {
    int code;  // negative errno
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(value), m_error(0) {}
    Result(Error e) : m_value(), m_error(e.code) {}
    bool is_error() const { return m_error != 0; }
    int error() const { return m_error; }
    T value() const { return m_value; }

private:
    T m_value;
    int m_error;
};

// In a function returning Result<U>: unwraps, or passes the error up.
#define TRY(expr)                                    \
    ({                                               \
        auto _r = (expr);                            \
        if (_r.is_error()) return Error{_r.error()}; \
        _r.value();                                  \
    })

// In a syscall returning long: unwraps, or returns the negative errno.
#define TRY_ERRNO(expr)                          \
    ({                                           \
        auto _r = (expr);                        \
        if (_r.is_error()) return _r.error();    \
        _r.value();                              \
    })
