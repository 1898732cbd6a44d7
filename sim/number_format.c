#include "sim/number_format.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13};

static size_t fallback(char *buf, double value)
{
    int n = snprintf(buf, HF_NUMBER_G9_MAX, "%.9g", value);
    return n > 0 ? (size_t)n : 0;
}

/* "00" "01" ... "99": two digits per step, half the divisions of one at a time. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* The decimal digits of v < 10^10, most significant first; returns the count. */
static size_t write_unsigned(char *out, uint64_t v)
{
    size_t n = 1;
    for (uint64_t p = 10; n < 10 && v >= p; p *= 10)
        n++;
    size_t i = n;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100) * 2;
        v /= 100;
        out[--i] = digit_pairs[pair + 1];
        out[--i] = digit_pairs[pair];
    }
    if (v >= 10) {
        out[--i] = digit_pairs[v * 2 + 1];
        out[--i] = digit_pairs[v * 2];
    } else {
        out[--i] = (char)('0' + v);
    }
    return n;
}

/* Digits 0..last of m (m has last + 1 digits) to out[i], or to out[i + 1] from digit `point` on
 * (after the decimal point's place), two at a time, least significant first. */
static void write_digits(char *out, uint64_t m, int last, int point)
{
    int i = last;
    for (; i > point; i -= 2, m /= 100) { /* both after the point */
        unsigned pair = (unsigned)(m % 100) * 2;
        out[i + 1] = digit_pairs[pair + 1];
        out[i] = digit_pairs[pair];
    }
    if (i == point) {
        out[i + 1] = (char)('0' + m % 10);
        m /= 10;
        i--;
    }
    for (; i >= 1; i -= 2, m /= 100) { /* both before it */
        unsigned pair = (unsigned)(m % 100) * 2;
        out[i] = digit_pairs[pair + 1];
        out[i - 1] = digit_pairs[pair];
    }
    if (i == 0)
        out[0] = (char)('0' + m);
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
    /* Integers below 10^9: their own digits (%.9g writes them whole). The truncating conversion
     * is one instruction where floor() is a library call on baseline x86-64. */
    if (a < 1e9 && (double)(uint64_t)a == a) {
        n += write_unsigned(buf + n, (uint64_t)a);
        buf[n] = '\0';
        return n;
    }
    if (a < 1e-4 || a >= 1e9)
        return fallback(buf, value); /* exponent notation */
    /* Decimal exponent x: 10^x <= a < 10^(x+1), x in [-4, 8], so that a * 10^(8 - x) has nine
     * digits before the point. An estimate from the binary exponent (floor(e * log10 2), exact
     * for these exponents, is x or x - 1), then one step when the scaled value is out of range;
     * only the x with nine digits passes the check below, so no estimate changes the output. */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int binary_exponent = (int)((bits >> 52) & 0x7ff) - 1023; /* a = 1.f * 2^e (a is normal) */
    int x = (binary_exponent * 1233) >> 12; /* 1233 / 4096 ~ log10(2); >> floors */
    x = x < -4 ? -4 : x > 8 ? 8 : x;
    double power = powers_of_ten[8 - x];
    double scaled = a * power; /* 9 significant digits before the point */
    if (scaled >= 1e9 && x < 8) {
        power = powers_of_ten[8 - ++x];
        scaled = a * power;
    }
    if (scaled < 1e8 || scaled >= 1e9)
        return fallback(buf, value);
    uint64_t truncated = (uint64_t)scaled; /* floor: scaled is positive */
    double from_half = (scaled - (double)truncated) - 0.5; /* exact */
    bool up = from_half > 0;
    if (from_half == 0) { /* only then can the product's error decide (the fma, a call, is rare) */
        double error = fma(a, power, -scaled);
        up = error > 0 || (error == 0 && (truncated & 1));
    }
    uint64_t m = truncated + up;
    if (m >= 1000000000u)
        return fallback(buf, value); /* rounded up to the next power of ten: the exponent moves */
    /* m has exactly nine digits; those after the last nonzero one of the fraction are not written.
     * The digits go straight to their places in buf (after the point, one further right): built
     * in a scratch array and copied, the copy's load waited on the byte stores before it. */
    int point = x + 1; /* digits before the decimal point (<= 0: "0.000ddd"), in [-3, 9] */
    int last = 8;
    while (last >= point && last >= 0 && m % 10 == 0) {
        m /= 10;
        last--;
    }
    if (point <= 0) {
        memcpy(buf + n, "0.000", 5);
        n += (size_t)(2 - point);
        write_digits(buf + n, m, last, last + 1); /* no point among the digits */
        n += (size_t)last + 1;
    } else {
        write_digits(buf + n, m, last, point);
        if (last >= point) {
            buf[n + (size_t)point] = '.';
            n += (size_t)last + 2;
        } else {
            n += (size_t)point;
        }
    }
    buf[n] = '\0';
    return n;
}
