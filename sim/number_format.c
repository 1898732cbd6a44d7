#include "sim/number_format.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static const double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13};

static size_t fallback(char *buf, double value)
{
    int n = snprintf(buf, HF_NUMBER_G9_MAX, "%.9g", value);
    return n > 0 ? (size_t)n : 0;
}

/* Digits of an unsigned below 10^10, most significant first; returns the count. */
static size_t write_unsigned(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t hf_format_g9(char *buf, double value)
{
    if (!isfinite(value) || value == 0) {
        if (value == 0 && !signbit(value)) {
            buf[0] = '0';
            buf[1] = '\0';
            return 1;
        }
        return fallback(buf, value);
    }
    size_t n = 0;
    double a = value;
    if (a < 0) {
        buf[n++] = '-';
        a = -a;
    }
    /* Integers below 10^9: their own digits (%.9g writes them whole). */
    if (a < 1e9 && a == floor(a)) {
        n += write_unsigned(buf + n, (uint64_t)a);
        buf[n] = '\0';
        return n;
    }
    if (a < 1e-4 || a >= 1e9)
        return fallback(buf, value); /* exponent notation */
    /* Decimal exponent x: 10^x <= a < 10^(x+1), x in [-4, 8]. */
    int x = 8;
    while (x > -4 && a < powers_of_ten[x + 4] * 1e-4)
        x--;
    /* The product rounds once; fma gives its exact error, so the rounding of the exact scaled
     * value to an integer is decided exactly, ties to even as printf does: the scaled value is
     * scaled + error, its distance to the half is (fraction - 0.5) + error, and fraction - 0.5, a
     * multiple of the product's ulp, outweighs the error (under half an ulp) unless it is zero. */
    double power = powers_of_ten[8 - x];
    double scaled = a * power;                       /* 9 significant digits before the point */
    if (scaled < 1e8 || scaled >= 1e9)
        return fallback(buf, value);
    double error = fma(a, power, -scaled);
    double whole = floor(scaled), from_half = (scaled - whole) - 0.5; /* both exact */
    bool up = from_half > 0 || (from_half == 0 && (error > 0 || (error == 0 && fmod(whole, 2) == 1)));
    uint64_t m = (uint64_t)whole + up;
    if (m >= 1000000000u)
        return fallback(buf, value); /* rounded up to the next power of ten: the exponent moves */
    char digits[10];
    write_unsigned(digits, m); /* exactly 9 digits */
    int last = 8; /* trailing zeros of the fraction are not written */
    int point = x + 1; /* digits before the decimal point (<= 0: "0.000ddd") */
    while (last >= point && last >= 0 && digits[last] == '0')
        last--;
    if (point <= 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = point; i < 0; i++)
            buf[n++] = '0';
        for (int i = 0; i <= last; i++)
            buf[n++] = digits[i];
    } else {
        for (int i = 0; i < point; i++)
            buf[n++] = digits[i];
        if (last >= point) {
            buf[n++] = '.';
            for (int i = point; i <= last; i++)
                buf[n++] = digits[i];
        }
    }
    buf[n] = '\0';
    return n;
}
