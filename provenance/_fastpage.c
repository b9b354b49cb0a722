/* build_page's per-line features, in C, for "plain" lines: ASCII but for page._PLAIN_PUNCTUATION and
   the Latin-1 letters that case-fold to one Latin-1 letter (À-Ö, Ø-Þ, à-ö, ø-ÿ but ß: the letters
   of Western European words, which otherwise send a whole paragraph to the Python code); and, when
   the stop table holds every stop word, Latin-1's other characters but µ and U+0085 (EXTENDED) and
   wide_class's: letters of Central European, Cyrillic and Greek words, Chinese and Japanese text.

   provenance/detectors/page.py is the reference and the fallback when this module is missing;
   tests/test_fastpage.py proves that both give the same pages, on each of those characters. On a
   plain line:
   - a word is a letter or number, then letters, numbers and '’_- (page._WORD) and case-folds
     letter by letter: an upper-case letter to its lower-case one (’ folds to itself);
   - a letter is str.isalpha, a digit str.isdigit: no plain punctuation is either;
   - the key is the line's runs of word characters (regex's \w: letters, digits and _; not the
     superscripts and fractions, which are numbers), case-folded, joined by one space (page.line_key). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <string.h>
#include <structmember.h>

#define MAX_LANGUAGES 32
/* The sha256 of this file, passed by hatch_build.py: page.py uses a module built from this very
   source only, so an editable install whose .c changed since it was built falls back to Python. */
#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST ""
#endif
#define RIGHT_QUOTE 0x2019 /* ’, the one mark past ASCII that a plain word may hold */

enum { LETTER = 1, UPPER = 2, DIGIT = 4, WORD_START = 8, WORD_PART = 16, KEY_PART = 32, SEPARATOR = 64, SPACELESS = 128,
       EXTENDED = 256 /* a Latin-1 character a plain line holds only as wide_class's are held */,
       WIDE_ONLY = 512 /* plainness: a plain line holds it only when its stop table allows (wide_lines) */,
       NEVER_PLAIN = 1024 /* plainness: no plain line holds it */ };
#define WIDE_LETTER (LETTER | WORD_START | WORD_PART | KEY_PART)
#define NOT_PLAIN (-1)

static unsigned char ascii_class[128];
/* Of each character below U+0100: its classes on a plain line (the ASCII ones', the plain Latin-1
   letters', SEPARATOR for one of is_separator_char's, and the plainness bits WIDE_ONLY and NEVER_PLAIN
   that fill_low_tables adds), and its case fold there. */
static unsigned short plain_class[256];
static unsigned char plain_folds[256];
/* char_class and plain_fold of each character below LOW_CHARS (Latin-1 and the letters wide_class
   allows of Latin Extended-A, Greek and Cyrillic), read by scan_chars from these tables rather than
   worked out anew for each character of a line of two bytes a character. */
#define LOW_CHARS 0x460
static unsigned short low_class[LOW_CHARS];
static unsigned short low_folds[LOW_CHARS];

/* The classes of the Latin-1 characters past ASCII that are neither letters above nor plain
   punctuation, as EXTENDED ones: C1 controls and symbols are none of them; ª and º are letters; the
   superscript digits are digits that start words but are not key characters (regex's \w is not
   \p{N}); the vulgar fractions start words only. Not µ (it case-folds to μ), nor U+0085 (a space). */
static int latin1_other_class(int c)
{
    if ((c < 0x80 || c >= 0xC0) && c != 0xD7 && c != 0xF7)
        return 0;
    if (c == 0x85 || c == 0xB5 || c == 0xA0)
        return 0;
    if (c == 0xAA || c == 0xBA)
        return EXTENDED | LETTER | WORD_START | WORD_PART | KEY_PART;
    if (c == 0xB2 || c == 0xB3 || c == 0xB9)
        return EXTENDED | DIGIT | WORD_START | WORD_PART;
    if (c >= 0xBC && c <= 0xBE)
        return EXTENDED | WORD_START | WORD_PART;
    return EXTENDED;
}

static void fill_ascii_class(void)
{
    for (int c = 0; c < 128; c++) {
        bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
        bool alnum = upper || lower || digit;
        ascii_class[c] = (upper || lower ? LETTER : 0) | (upper ? UPPER : 0) | (digit ? DIGIT : 0)
                         | (alnum ? WORD_START | KEY_PART : 0)
                         | (alnum || c == '\'' || c == '_' || c == '-' ? WORD_PART : 0)
                         | (c == '_' ? KEY_PART : 0);
    }
    for (int c = 0; c < 0x100; c++) {
        bool latin1_letter = c >= 0xC0 && c != 0xD7 && c != 0xF7 && c != 0xDF;  /* not ×, ÷ and ß (ss) */
        bool upper = (c >= 'A' && c <= 'Z') || (latin1_letter && c < 0xDF);
        bool separator = c == '|' || c == '/' || c == 0xB7 || c == 0xBB;
        plain_class[c] = (c < 128 ? ascii_class[c] : 0) | (separator ? SEPARATOR : 0)
                         | (latin1_letter ? LETTER | (upper ? UPPER : 0) | WORD_START | WORD_PART | KEY_PART : 0)
                         | latin1_other_class(c);
        plain_folds[c] = (unsigned char)(upper ? c + 0x20 : c);
    }
}

/* Case-folds a word character: only ASCII letters change. */
static Py_UCS4 ascii_lower(Py_UCS4 c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* CJK punctuation that is no letter, digit, word character, space or separator: 、。〃〈〉《》「」『』【】
   and the full-width ！（），：；？. */
static bool is_cjk_punctuation(Py_UCS4 c)
{
    return (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) || c == 0xFF01 || c == 0xFF08 || c == 0xFF09
           || c == 0xFF0C || c == 0xFF1A || c == 0xFF1B || c == 0xFF1F;
}

/* The classes of a character past Latin-1 that a plain line may hold when its stop table allows
   (wide_lines), or NOT_PLAIN: letters that case-fold to one small letter as they lower-case (Latin
   Extended-A but İ, ŉ and ſ; Cyrillic's first 96 letters; the Greek letters but ΐ, ΰ and ς),
   ideographs and kana of the scripts without spaces (page._SPACELESS), the long vowel mark ー (a
   letter of no script), and is_cjk_punctuation's.
   tests/test_fastpage.py checks each against the Python code. */
static int wide_class(Py_UCS4 c)
{
    if ((c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x149 && c != 0x17F) || (c >= 0x400 && c <= 0x45F)
        || (c >= 0x386 && c <= 0x3CE && c != 0x387 && c != 0x38B && c != 0x38D && c != 0x390 && c != 0x3A2
            && c != 0x3B0 && c != 0x3C2))
        return WIDE_LETTER | (Py_UNICODE_ISUPPER(c) ? UPPER : 0);
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA))
        return WIDE_LETTER | SPACELESS;
    if (c == 0x30FC)
        return WIDE_LETTER;
    return is_cjk_punctuation(c) ? 0 : NOT_PLAIN;
}

static int char_class(Py_UCS4 c)
{
    if (c < 256)
        return plain_class[c];
    if (c == RIGHT_QUOTE)
        return WORD_PART;
    if (c == 0x2022 || c == 0x203A)
        return SEPARATOR;
    int cls = wide_class(c);
    return cls == NOT_PLAIN ? 0 : cls;
}

/* Case-folds a word character of a plain line: ASCII and Latin-1 capitals to their small letters,
   wide_class's letters to their lower case. */
static Py_UCS4 plain_fold(Py_UCS4 c)
{
    return c < 256 ? plain_folds[c] : c < 0x460 ? Py_UNICODE_TOLOWER(c) : c;
}

/* A Latin-1 letter of a plain line. */
static bool plain_latin1_letter(Py_UCS4 c)
{
    return c >= 128 && c < 256 && (plain_class[c] & (LETTER | EXTENDED)) == LETTER;
}

/* page._PLAIN_PUNCTUATION (a test compares the two on every character of the BMP). */
static bool is_plain_punctuation(Py_UCS4 c)
{
    switch (c) {
    case 0x2019: case 0x2018: case 0x201C: case 0x201D: case 0x2013: case 0x2014: case 0x2026:
    case 0x2022: case 0x00B7: case 0x00AB: case 0x00BB: case 0x00A0: case 0x00A9: case 0x00AE:
    case 0x2122: case 0x20AC: case 0x00A3: case 0x00B0: case 0x2032: case 0x2033: case 0x203A:
    case 0x2039: case 0x2502: case 0x25BA: case 0x25B6: case 0x25BC: case 0x2192: case 0x2193: case 0x00A7:
    case 0x00B6: case 0x2500: case 0x253C:
        return true;
    default:
        return false;
    }
}

/* Which lines may hold the character, read by the accelerator: any (ASCII, plain punctuation, plain
   Latin-1 letters), those whose stop table allows wide_lines (EXTENDED or wide_class's), or none. */
static int plainness(Py_UCS4 c)
{
    if (c < 128 || is_plain_punctuation(c) || plain_latin1_letter(c))
        return 0;
    return (c < 256 ? (plain_class[c] & EXTENDED) != 0 : wide_class(c) != NOT_PLAIN) ? WIDE_ONLY : NEVER_PLAIN;
}

/* char_class with the character's plainness: scan_chars reads both from one class. */
static int scan_class(Py_UCS4 c)
{
    return char_class(c) | (c < 256 ? 0 : plainness(c));  /* plain_class holds the Latin-1 characters' */
}

static void fill_low_tables(void)
{
    for (Py_UCS4 c = 0; c < 256; c++)
        plain_class[c] |= (unsigned short)plainness(c);
    for (Py_UCS4 c = 0; c < LOW_CHARS; c++) {
        low_class[c] = (unsigned short)scan_class(c);
        low_folds[c] = (unsigned short)plain_fold(c);
    }
}

/* page.ends_sentence: after the closing marks "'”’»)] come off, one of .!?…。！？;: is last. */
static bool ends_sentence(int kind, const void *data, Py_ssize_t n)
{
    while (n > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, n - 1);
        if (c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0x00BB || c == ')' || c == ']')
            n--;
        else
            return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01
                   || c == 0xFF1F || c == ';' || c == ':';
    }
    return false;
}

/* One of |•·»›/, which every page._SEPARATOR match holds. */
static bool is_separator_char(Py_UCS4 c)
{
    return c == '|' || c == 0x2022 || c == 0x00B7 || c == 0x00BB || c == 0x203A || c == '/';
}

/* regex's \s on a plain line: \t\n\v\f\r, space and no-break space (not \x1c-\x1f, as str.isspace). */
static bool is_space(Py_UCS4 c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x00A0;
}

/* len(page._SEPARATOR.findall(text)) on a plain line: the pattern \s[|•·»›/]\s|^\||\|$|\s[|]|[|]\s
   has fixed-length alternatives, tried in this order at each position; matches do not overlap. */
static Py_ssize_t count_separators(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t count = 0, i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c != '|' && !is_space(c)) {  /* every alternative starts with one of them */
            i++;
            continue;
        }
        Py_UCS4 next = i + 1 < n ? PyUnicode_READ(kind, data, i + 1) : 0;
        Py_ssize_t length = 0;
        if (is_space(c) && is_separator_char(next) && i + 2 < n && is_space(PyUnicode_READ(kind, data, i + 2)))
            length = 3;
        else if (c == '|' && (i == 0 || i == n - 1))  /* before a last \n, $ is [|]\s below */
            length = 1;
        else if ((is_space(c) && next == '|') || (c == '|' && is_space(next)))
            length = 2;
        count += length > 0;
        i += length > 0 ? length : 1;
    }
    return count;
}

/* The stop lists as a C hash table (open addressing, linear probing): each case-folded stop word a
   plain word can be (ASCII, plain Latin-1 letters and ’, stored as the byte 0x80), with the bit mask of the lists
   holding it. Built once per set of stop lists (stop_table), so a word is looked up without making
   a str of it; a stop word no plain word can be is left out, as it would never be found. */
#define STOP_TABLE "provenance._fastpage.StopTable"
#define QUOTE_BYTE 0x80

typedef struct {  /* 16 bytes: the slots probed stay in the CPU's first cache */
    uint32_t hash;             /* hash_bytes of the word: most slots probed are told apart without memcmp */
    uint32_t start;            /* the word's bytes in `bytes` */
    uint32_t mask;
    int32_t length;            /* -1: an empty slot */
} StopSlot;

/* One bit for each value of a hash's top SCREEN_BITS bits, set for the stop words': most words of a
   text are no stop word, and one bit of a table of 1 KB tells most of them so, where a probe of the
   slots would read a cache line of its own. */
#define SCREEN_BITS 13
#define SCREEN_WORDS ((1 << SCREEN_BITS) / 64)

typedef struct {
    int languages;
    bool wide_lines;           /* every stop word is held: lines may hold EXTENDED and wide_class's characters */
    Py_ssize_t longest;        /* the longest word held: a longer word is never looked up */
    size_t slots_mask;         /* slots - 1, slots a power of two */
    uint64_t screen[SCREEN_WORDS];
    StopSlot *slots;
    unsigned char *bytes;
} StopTable;

/* FNV-1a, a byte at a time: plain_scan hashes a word as it reads it. */
#define HASH_START 2166136261u

static uint32_t hash_step(uint32_t hash, unsigned char byte)
{
    return (hash ^ byte) * 16777619u;
}

static uint32_t hash_bytes(const unsigned char *word, Py_ssize_t len)
{
    uint32_t hash = HASH_START;
    for (Py_ssize_t i = 0; i < len; i++)
        hash = hash_step(hash, word[i]);
    return hash;
}

/* Whether the len bytes at a and b are the same: stop words are short, and a loop here costs less
   than a call to memcmp for each word of a text that is one. */
static Py_ALWAYS_INLINE inline bool same_bytes(const unsigned char *a, const unsigned char *b, Py_ssize_t len)
{
    for (Py_ssize_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The slot holding the word (of that hash_bytes), or the empty slot where it would go. */
static Py_ALWAYS_INLINE inline StopSlot *find_hashed_slot(const StopTable *table, const unsigned char *word,
                                                         Py_ssize_t len, uint32_t hash)
{
    for (size_t i = hash & table->slots_mask;; i = (i + 1) & table->slots_mask) {
        StopSlot *slot = &table->slots[i];
        if (slot->length < 0
            || (slot->hash == hash && slot->length == len && same_bytes(table->bytes + slot->start, word, len)))
            return slot;
    }
}

/* The screen's word and bit for a hash. */
#define SCREEN_WORD(hash) ((hash) >> (32 - SCREEN_BITS) >> 6)
#define SCREEN_BIT(hash) (1ULL << ((hash) >> (32 - SCREEN_BITS) & 63))

static void free_stop_table(PyObject *capsule)
{
    StopTable *table = PyCapsule_GetPointer(capsule, STOP_TABLE);
    if (table != NULL) {
        PyMem_Free(table->slots);
        PyMem_Free(table->bytes);
        PyMem_Free(table);
    }
}

/* A stop word's bytes as a plain word's would be, or false when no plain word is that word. */
static bool plain_word_bytes(PyObject *word, unsigned char *out)
{
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(word); i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 128 && c != RIGHT_QUOTE && !plain_latin1_letter(c))
            return false;
        out[i] = c == RIGHT_QUOTE ? QUOTE_BYTE : (unsigned char)c;
    }
    return true;
}

static int fill_stop_table(StopTable *table, PyObject *word_masks)
{
    Py_ssize_t pos = 0, used = 0, total = 0;
    PyObject *word, *mask;
    while (PyDict_Next(word_masks, &pos, &word, &mask)) {
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "stop_table: the stop words must be str");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(word);
    }
    size_t slots = 8;
    while (slots < 2 * (size_t)PyDict_GET_SIZE(word_masks))
        slots *= 2;
    table->slots_mask = slots - 1;
    table->slots = PyMem_Malloc(slots * sizeof(StopSlot));
    table->bytes = PyMem_Malloc(total + 1);
    if (table->slots == NULL || table->bytes == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < slots; i++)
        table->slots[i].length = -1;
    pos = 0;
    while (PyDict_Next(word_masks, &pos, &word, &mask)) {
        unsigned long bits = PyLong_AsUnsignedLong(mask);
        if (bits == (unsigned long)-1 && PyErr_Occurred())
            return -1;
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        if (!plain_word_bytes(word, table->bytes + used)) {
            table->wide_lines = false;
            continue;
        }
        uint32_t hash = hash_bytes(table->bytes + used, len);
        StopSlot *slot = find_hashed_slot(table, table->bytes + used, len, hash);  /* the dict holds each word once */
        *slot = (StopSlot){hash, (uint32_t)used, (uint32_t)(bits & ((1UL << table->languages) - 1)), (int32_t)len};
        table->screen[SCREEN_WORD(hash)] |= SCREEN_BIT(hash);
        used += len;
        table->longest = len > table->longest ? len : table->longest;
    }
    return 0;
}

static PyObject *stop_table(PyObject *module, PyObject *args)
{
    PyObject *word_masks;
    int languages;
    if (!PyArg_ParseTuple(args, "O!i:stop_table", &PyDict_Type, &word_masks, &languages))
        return NULL;
    if (languages < 0 || languages > MAX_LANGUAGES) {
        PyErr_Format(PyExc_ValueError, "stop_table: 0 to %d languages", MAX_LANGUAGES);
        return NULL;
    }
    StopTable *table = PyMem_Calloc(1, sizeof(StopTable));
    if (table == NULL)
        return PyErr_NoMemory();
    table->languages = languages;
    table->wide_lines = true;
    PyObject *capsule = PyCapsule_New(table, STOP_TABLE, free_stop_table);
    if (capsule == NULL) {
        PyMem_Free(table);
        return NULL;
    }
    if (fill_stop_table(table, word_masks) < 0)
        Py_CLEAR(capsule);
    return capsule;
}

/* What one call shares across its lines: the stop table and two buffers. */
typedef struct {
    const StopTable *stops;
    void *word;             /* the word being read, case-folded, of bytes (room for a line and `longest` + 1 more) */
    Py_ssize_t word_size;
    void *key;              /* the line key being built: of one byte a character for a str of one byte a
                               character, else of two (a plain line holds no character past the BMP) */
    Py_ssize_t key_size;    /* in bytes */
} Scan;

typedef struct {
    Py_ssize_t words, letters, digits, initials, capitals;
    bool separator_chars, spaceless;
    bool plain;  /* each character is one a plain line holds (plainness): else the line's counts and key
                    are thrown away, and Python reads it */
    Py_ssize_t hits[MAX_LANGUAGES];  /* words in each stop list */
} Counts;

/* Adds one to the hits of each stop list that holds the word (of that hash_bytes): one step a list
   that does (a mask holds only bits of the table's lists). */
static Py_ALWAYS_INLINE inline void count_stop_word(const Scan *scan, Py_ssize_t len, uint32_t hash, Counts *counts)
{
    if (!(scan->stops->screen[SCREEN_WORD(hash)] & SCREEN_BIT(hash)))
        return;
    const StopSlot *slot = find_hashed_slot(scan->stops, scan->word, len, hash);
    for (uint32_t bits = slot->length < 0 ? 0 : slot->mask; bits != 0; bits &= bits - 1)
        counts->hits[__builtin_ctz(bits)]++;
}

/* Makes *buffer hold at least size bytes: scan_line's buffers, grown to the longest line. */
static int grow_buffer(void **buffer, Py_ssize_t *buffer_size, Py_ssize_t size)
{
    if (size <= *buffer_size)
        return 0;
    void *grown = PyMem_Realloc(*buffer, size);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *buffer = grown;
    *buffer_size = size;
    return 0;
}

/* Writes a character of the key: of one byte for a str of one byte a character, else of two. */
static Py_ALWAYS_INLINE inline void put_key_char(void *key, int kind, Py_ssize_t at, Py_UCS4 c)
{
    if (kind == PyUnicode_1BYTE_KIND)
        ((Py_UCS1 *)key)[at] = (Py_UCS1)c;
    else
        ((Py_UCS2 *)key)[at] = (Py_UCS2)c;
}

/* A word's byte for the stop table: a folded character past Latin-1 (but ’) is in no stop word of a
   table whose wide_lines allowed it to be read, and makes the word too long to look up. */
#define PAST_LATIN1(c, f) ((f) >= 256 && (c) != RIGHT_QUOTE)

/* A character's char_class and plain_fold, from the tables where they hold them: every character of
   a str of one byte a character, and nearly every one of the others. */
#define READ_CLASS(kind, c, cls, folded)                                                                 \
    do {                                                                                                 \
        if ((kind) == PyUnicode_1BYTE_KIND) {                                                            \
            (cls) = plain_class[c];                                                                      \
            (folded) = plain_folds[c];                                                                   \
        }                                                                                                \
        else if ((c) < LOW_CHARS) {                                                                      \
            (cls) = low_class[c];                                                                        \
            (folded) = low_folds[c];                                                                     \
        }                                                                                                \
        else {                                                                                           \
            (cls) = scan_class(c);                                                                       \
            (folded) = (c);  /* plain_fold past LOW_CHARS */                                             \
        }                                                                                                \
    } while (0)

/* A character's letters and digits, counted in one word: letters in the low half, digits in the high
   one (scan_texts reads no line of 2**32 characters or more here). */
static const uint64_t letter_digit_steps[(LETTER | DIGIT) + 1] = {
    [LETTER] = 1, [DIGIT] = (uint64_t)1 << 32, [LETTER | DIGIT] = ((uint64_t)1 << 32) + 1};

/* An ASCII letter, of any kind of str: its fold is c | 0x20, its classes LETTER, WORD_PART and KEY_PART. */
#define IS_ASCII_LETTER(c) ((Py_UCS4)(((c) | 0x20) - 'a') < 26)

/* The end of the run of ASCII letters from i, in a word: what the word loop makes of each, their
   class and fold known (COUNT_CHAR's letter, key character c | 0x20, and the word's byte, hashed into
   *hash), written by a loop of few steps a letter. The word's bytes are written and hashed past
   `longest` too, where a branch on its length would cost more (scan_line makes room for a whole
   line's). */
static Py_ALWAYS_INLINE inline Py_ssize_t ascii_letters(int kind, const void *data, Py_ssize_t i, Py_ssize_t n,
                                                        void *key, Py_ssize_t key_len, unsigned char *word,
                                                        Py_ssize_t word_len, uint32_t *hash)
{
    Py_ssize_t to_key = key_len - i, to_word = word_len - i;
    uint32_t h = *hash;
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!IS_ASCII_LETTER(c))
            break;
        put_key_char(key, kind, to_key + i, c | 0x20);
        word[to_word + i] = (unsigned char)(c | 0x20);
        h = hash_step(h, (unsigned char)(c | 0x20));
    }
    *hash = h;
    return i;
}

/* What every character of a line adds to its counts and its key, in scan_chars' locals: the classes
   of the flags gathered in `seen`, read once the line is done; a key character written, or after
   one, a space, which the next key character keeps (a branch on that costs less than writes without
   one: the characters of a word are nearly all key characters, and a run of others is short). */
#define COUNT_CHAR(cls, folded)                                                                          \
    do {                                                                                                 \
        letters_digits += letter_digit_steps[(cls) & (LETTER | DIGIT)];                                  \
        seen |= (cls);                                                                                   \
        if ((cls) & KEY_PART) {                                                                          \
            put_key_char(key, kind, key_len++, folded);                                                  \
            in_key = true;                                                                               \
        }                                                                                                \
        else if (in_key) {                                                                               \
            put_key_char(key, kind, key_len++, ' ');                                                     \
            in_key = false;                                                                              \
        }                                                                                                \
    } while (0)

/* One pass over a plain line's characters: counts, stop-word hits, and its key's characters in
   scan->key (the length returned). One function per kind of str, so that each reads its characters
   directly; the counts are kept in locals, which the writes through the buffers cannot alias. A word
   is read by a loop of its own, which leaves at its end: a branch per word, not several a character. */
static Py_ALWAYS_INLINE inline Py_ssize_t scan_chars(Scan *scan, int kind, const void *data, Py_ssize_t n,
                                                     Counts *counts)
{
    Py_ssize_t words = 0, initials = 0, capitals = 0;
    Py_ssize_t key_len = 0, longest = scan->stops->longest;
    uint64_t letters_digits = 0;
    bool in_key = false;
    int seen = 0;
    unsigned char *word = scan->word;
    void *key = scan->key;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i++), folded;
        int cls;
        if (c == ' ') {  /* COUNT_CHAR of a space, of no class */
            if (in_key)
                put_key_char(key, kind, key_len++, ' ');
            in_key = false;
            continue;
        }
        Py_ssize_t word_len = 1;
        if (IS_ASCII_LETTER(c)) {  /* most words' start: COUNT_CHAR and a word's counts, its class known */
            folded = c | 0x20;
            letters_digits++;
            put_key_char(key, kind, key_len++, folded);
            in_key = true;
            initials++;
            capitals += c < 'a';
        }
        else {
            READ_CLASS(kind, c, cls, folded);
            COUNT_CHAR(cls, folded);
            if (!(cls & WORD_START))
                continue;
            initials += (cls & LETTER) != 0;
            capitals += (cls & UPPER) != 0;
            word_len = PAST_LATIN1(c, folded) ? longest + 1 : 1;
        }
        words++;
        word[0] = (unsigned char)folded;
        uint32_t hash = hash_step(HASH_START, word[0]);  /* hash_bytes of the word's bytes so far */
        for (;;) {
            Py_ssize_t end = ascii_letters(kind, data, i, n, key, key_len, word, word_len, &hash);
            if (end > i) {
                letters_digits += end - i;
                key_len += end - i;
                word_len += end - i;
                in_key = true;
                i = end;
            }
            if (i == n)
                break;
            c = PyUnicode_READ(kind, data, i);
            READ_CLASS(kind, c, cls, folded);
            if (!(cls & WORD_PART))
                break;
            COUNT_CHAR(cls, folded);
            if (word_len < longest + 1) {  /* past `longest`, only the length matters */
                word[word_len] = c == RIGHT_QUOTE ? QUOTE_BYTE : (unsigned char)folded;
                hash = hash_step(hash, word[word_len]);
                word_len = PAST_LATIN1(c, folded) ? longest + 1 : word_len;
            }
            word_len++;
            i++;
        }
        if (word_len <= longest)
            count_stop_word(scan, word_len, hash, counts);
    }
    counts->words = words;
    counts->letters = (Py_ssize_t)(letters_digits & UINT32_MAX);
    counts->digits = (Py_ssize_t)(letters_digits >> 32);
    counts->initials = initials;
    counts->capitals = capitals;
    counts->separator_chars = (seen & SEPARATOR) != 0;
    counts->spaceless = (seen & SPACELESS) != 0;
    counts->plain = !(seen & NEVER_PLAIN) && (scan->stops->wide_lines || !(seen & WIDE_ONLY));
    return key_len - (key_len > 0 && !in_key);  /* the space after the last run */
}

/* The key's bytes as a str: of one byte a character, ASCII when all are. */
static PyObject *key_str(const char *bytes, Py_ssize_t len, bool ascii)
{
    unsigned char top = 0;
    for (Py_ssize_t i = 0; !ascii && i < len; i++)
        top |= (unsigned char)bytes[i];
    PyObject *key = PyUnicode_New(len, top < 128 ? 127 : 255);
    if (key != NULL)
        memcpy(PyUnicode_1BYTE_DATA(key), bytes, len);
    return key;
}

/* Counts, stop-word hits, and the key (returned, new reference) of a plain line. */
static PyObject *scan_line(Scan *scan, PyObject *text, Counts *counts)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), key_len;
    if (grow_buffer(&scan->key, &scan->key_size, 2 * (n + 2)) < 0  /* scan_chars writes up to one past the key and its space */
        || grow_buffer(&scan->word, &scan->word_size, n + scan->stops->longest + 2) < 0)
        return NULL;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        key_len = scan_chars(scan, PyUnicode_1BYTE_KIND, data, n, counts);
        return key_str(scan->key, key_len, PyUnicode_IS_ASCII(text));
    default:  /* two bytes a character: scan_texts never hands this a str of four */
        key_len = scan_chars(scan, PyUnicode_2BYTE_KIND, data, n, counts);
    }
    return PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, scan->key, key_len);
}

/* page._BULLET, ^(?:[-–—•*·▪►»]|\d{1,3}[.)])\s, on a plain line: its digits are [0-9], its \s is_space. */
static bool bullet_matches(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), digits = 0;
    if (n < 2)
        return false;
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    if (first != '-' && first != 0x2013 && first != 0x2014 && first != 0x2022 && first != '*' && first != 0x00B7
        && first != 0x25AA && first != 0x25BA && first != 0x00BB) {
        while (digits < n && digits <= 3 && PyUnicode_READ(kind, data, digits) >= '0'
               && PyUnicode_READ(kind, data, digits) <= '9')
            digits++;
        if (digits == 0 || digits > 3 || digits + 1 >= n)
            return false;
        Py_UCS4 mark = PyUnicode_READ(kind, data, digits);
        if (mark != '.' && mark != ')')
            return false;
        digits++;
    }
    else
        digits = 1;
    return is_space(PyUnicode_READ(kind, data, digits));
}

/* What plain_scan keeps of a line for plain_lines: its features, or a NULL key when it is not plain.
   The shares divide as page._features does, int by int, which is exact-to-double then one rounding
   for counts under 2**53, as in C. */
typedef struct {
    PyObject *key;
    Py_ssize_t chars, words, separators;
    double letter_share, digit_share, capital_share;
    bool sentence_end, bullet, spaceless;
} PlainLine;

/* plain_scan's lines, kept in C until plain_lines makes their objects: the stop share needs the
   page's language, which the lines that are not plain (read in Python) help to pick. */
#define PLAIN_SCAN "provenance._fastpage.PlainScan"

typedef struct {
    PyObject *texts;    /* a tuple of the lines scanned */
    int languages;
    PlainLine *lines;
    Py_ssize_t *hits;   /* line i's words in stop list j at hits[i * languages + j] */
} PlainScan;

static void free_plain_scan(PyObject *capsule)
{
    PlainScan *scan = PyCapsule_GetPointer(capsule, PLAIN_SCAN);
    if (scan == NULL)
        return;
    for (Py_ssize_t i = 0; scan->lines != NULL && i < PyTuple_GET_SIZE(scan->texts); i++)
        Py_XDECREF(scan->lines[i].key);
    Py_XDECREF(scan->texts);
    PyMem_Free(scan->lines);
    PyMem_Free(scan->hits);
    PyMem_Free(scan);
}

/* A capsule holding an empty PlainScan of the texts (copied to a tuple), or NULL. */
static PyObject *new_plain_scan(PyObject *texts, int languages)
{
    PlainScan *scan = PyMem_Calloc(1, sizeof(PlainScan));
    if (scan == NULL)
        return PyErr_NoMemory();
    PyObject *capsule = PyCapsule_New(scan, PLAIN_SCAN, free_plain_scan);
    if (capsule == NULL) {
        PyMem_Free(scan);
        return NULL;
    }
    scan->texts = PyList_AsTuple(texts);
    if (scan->texts == NULL) {
        Py_DECREF(capsule);
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(scan->texts);
    scan->languages = languages;
    scan->lines = PyMem_Calloc(n > 0 ? n : 1, sizeof(PlainLine));
    scan->hits = PyMem_Calloc(n * languages > 0 ? n * languages : 1, sizeof(Py_ssize_t));
    if (scan->lines == NULL || scan->hits == NULL) {
        Py_DECREF(capsule);
        return PyErr_NoMemory();
    }
    return capsule;
}

/* A plain line's features, and its stop-word hits into line_hits and totals: 1; 0, with a NULL key,
   for a line that is not plain; -1 on an error. */
static int scan_plain_line(Scan *scan, PyObject *text, PlainLine *line, Py_ssize_t *line_hits, Py_ssize_t *totals)
{
    Counts counts = {0};
    line->key = scan_line(scan, text, &counts);
    if (line->key == NULL)
        return -1;
    if (!counts.plain) {
        Py_CLEAR(line->key);
        return 0;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    line->chars = n;
    line->words = counts.words;
    line->letter_share = n ? (double)counts.letters / (double)n : 0.0;
    line->digit_share = n ? (double)counts.digits / (double)n : 0.0;
    line->capital_share = counts.initials ? (double)counts.capitals / (double)counts.initials : 0.0;
    line->separators = counts.separator_chars ? count_separators(kind, data, n) : 0;
    line->sentence_end = ends_sentence(kind, data, n);
    line->bullet = bullet_matches(text);
    line->spaceless = counts.spaceless;
    for (int i = 0; i < scan->stops->languages; i++) {
        line_hits[i] = counts.hits[i];
        totals[i] += counts.hits[i];
    }
    return 1;
}

static PyObject *count_list(const Py_ssize_t *counts, int n)
{
    PyObject *list = PyList_New(n);
    for (int i = 0; list != NULL && i < n; i++) {
        PyObject *count = PyLong_FromSsize_t(counts[i]);
        if (count == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, count);
    }
    return list;
}

/* (scanned, hits, others): scans every line of the capsule's PlainScan. */
static PyObject *scan_texts(Scan *scan, PyObject *scanned)
{
    PlainScan *result = PyCapsule_GetPointer(scanned, PLAIN_SCAN);
    Py_ssize_t totals[MAX_LANGUAGES] = {0}, n = PyTuple_GET_SIZE(result->texts);
    PyObject *others = PyList_New(0);
    for (Py_ssize_t i = 0; others != NULL && i < n; i++) {
        PyObject *text = PyTuple_GET_ITEM(result->texts, i);
        int plain = 0;  /* a str of four bytes a character holds one past the BMP: it is not */
        if ((uint64_t)PyUnicode_GET_LENGTH(text) <= UINT32_MAX && PyUnicode_KIND(text) != PyUnicode_4BYTE_KIND)
            plain = scan_plain_line(scan, text, &result->lines[i], result->hits + i * result->languages, totals);
        if (plain != 0) {
            if (plain < 0)
                Py_CLEAR(others);
            continue;
        }
        PyObject *index = PyLong_FromSsize_t(i);
        if (index == NULL || PyList_Append(others, index) < 0)
            Py_CLEAR(others);
        Py_XDECREF(index);
    }
    PyObject *hits = others == NULL ? NULL : count_list(totals, result->languages);
    PyObject *out = hits == NULL ? NULL : PyTuple_Pack(3, scanned, hits, others);
    Py_XDECREF(hits);
    Py_XDECREF(others);
    return out;
}

static bool all_str(PyObject *texts)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(texts); i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(texts, i)))
            return false;
    return true;
}

static PyObject *plain_scan(PyObject *module, PyObject *args)
{
    PyObject *texts, *capsule;
    if (!PyArg_ParseTuple(args, "O!O:plain_scan", &PyList_Type, &texts, &capsule))
        return NULL;
    if (!all_str(texts)) {
        PyErr_SetString(PyExc_TypeError, "plain_scan: texts must be a list of str");
        return NULL;
    }
    const StopTable *table = PyCapsule_GetPointer(capsule, STOP_TABLE);  /* TypeError or ValueError if not one */
    if (table == NULL)
        return NULL;
    PyObject *scanned = new_plain_scan(texts, table->languages);
    if (scanned == NULL)
        return NULL;
    Scan scan = {table, NULL, 0, NULL, 0};
    PyObject *result = scan_texts(&scan, scanned);
    PyMem_Free(scan.word);
    PyMem_Free(scan.key);
    Py_DECREF(scanned);
    return result;
}

PyDoc_STRVAR(stop_table_doc,
"stop_table(word_masks, languages) -> table\n\n"
"The stop lists for plain_scan: word_masks maps each case-folded stop word to the bit mask of\n"
"the lists holding it (bit i: list i, of languages).");

PyDoc_STRVAR(plain_scan_doc,
"plain_scan(texts, table) -> (scanned, hits, others)\n\n"
"Reads the features of each stripped non-blank line in texts that is plain, and counts its words in\n"
"each stop list of the table (from stop_table). scanned: those lines, for plain_lines; hits: the\n"
"counts of each list summed over the plain lines; others: the indexes of the lines not plain.");

/* ---- line-score: each line's chance of residue, as provenance/detectors/linescore.py computes it ----

   linescore.py's `chances` is the reference and the fallback; tests/test_fastpage.py proves that both
   give the same floats. Each step is the Python one, in the same order: math.log1p and math.exp are
   the C library's log1p and exp; a weighted sum adds the products as the running Python's sum() adds
   floats (left to right; from 3.12 on, with Neumaier's compensation); products are rounded before
   they are added (volatile: no fused multiply-add). */

#define SCORE_OWN 9       /* linescore.OWN */
#define SCORE_AROUND 4    /* linescore.AROUND: OWN's items 0, 1, 2 and 8 */
#define SCORE_FEATURES 20 /* linescore.FEATURES: OWN, AROUND above, AROUND below, position, top, bottom */

static const int around_items[SCORE_AROUND] = {0, 1, 2, 8};
static PyObject *score_attributes[SCORE_OWN + 1];  /* the LineInfo fields read, then `number` */
static const char *score_attribute_names[SCORE_OWN + 1] = {
    "chars", "stop_share", "sentence_end", "capital_share", "letter_share", "separators", "bullet",
    "digit_share", NULL, "number",
};

/* slot_offset's answers, by class and name (one of this file's string constants): the functions that
   read slots ask for a dozen on every call, and a look-up by name makes a str and walks the MRO.
   A class is held while its answers are, so no other class can take its address. */
#define SLOT_CACHE 256

typedef struct {
    PyTypeObject *cls;
    const char *name;
    Py_ssize_t offset;
} KnownSlot;

static KnownSlot known_slots[SLOT_CACHE];

static Py_ssize_t find_slot_offset(PyTypeObject *cls, const char *name);

/* Where the objects of cls hold the attribute `name`: the offset of a writable object slot of that
   name, or 0 (-1 and an exception: no such attribute). */
static Py_ssize_t slot_offset(PyTypeObject *cls, const char *name)
{
    KnownSlot *known = &known_slots[(((uintptr_t)cls >> 4) ^ ((uintptr_t)name >> 2) * 31u) % SLOT_CACHE];
    if (known->cls == cls && known->name == name)
        return known->offset;
    Py_ssize_t offset = find_slot_offset(cls, name);
    if (offset >= 0) {
        Py_XSETREF(known->cls, (PyTypeObject *)Py_NewRef(cls));
        known->name = name;
        known->offset = offset;
    }
    return offset;
}

static Py_ssize_t find_slot_offset(PyTypeObject *cls, const char *name)
{
    PyObject *descr = PyObject_GetAttrString((PyObject *)cls, name);
    if (descr == NULL)
        return -1;
    bool slot = Py_IS_TYPE(descr, &PyMemberDescr_Type)
                && ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX
                && !(((PyMemberDescrObject *)descr)->d_member->flags & READONLY);
    Py_ssize_t offset = slot ? ((PyMemberDescrObject *)descr)->d_member->offset : 0;
    Py_DECREF(descr);
    return offset;
}

/* Where the objects of cls hold each of the `count` attributes `names`: writable object slots, or a
   TypeError naming the function `who` asking and the `kind` of object it makes. */
static int slot_offsets(PyTypeObject *cls, const char *const *names, int count, Py_ssize_t *offsets,
                        const char *who, const char *kind)
{
    for (int i = 0; i < count; i++) {
        offsets[i] = slot_offset(cls, names[i]);
        if (offsets[i] < 0)
            return -1;
        if (offsets[i] == 0) {
            PyErr_Format(PyExc_TypeError, "%s: %s is not a slot of the %s class", who, names[i], kind);
            return -1;
        }
    }
    return 0;
}

/* How the score fields of lines are read: from the slots of class `cls` (at `offsets`), or, for an
   object of another class, or when cls is NULL, by attribute. */
typedef struct {
    PyTypeObject *cls;
    Py_ssize_t offsets[SCORE_OWN + 1];
} ScoreSlots;

static void find_score_slots(PyObject *lines, ScoreSlots *slots)
{
    slots->cls = PyList_GET_SIZE(lines) > 0 ? Py_TYPE(PyList_GET_ITEM(lines, 0)) : NULL;
    for (int field = 0; slots->cls != NULL && field <= SCORE_OWN; field++) {
        if (score_attribute_names[field] == NULL)
            continue;
        slots->offsets[field] = slot_offset(slots->cls, score_attribute_names[field]);
        if (slots->offsets[field] <= 0) {
            PyErr_Clear();  /* the attribute reads raise it again */
            slots->cls = NULL;
        }
    }
}

/* A score field of a line (a new reference). */
static PyObject *score_field(PyObject *line, const ScoreSlots *slots, int field)
{
    if (slots->cls == NULL || !Py_IS_TYPE(line, slots->cls))
        return PyObject_GetAttr(line, score_attributes[field]);
    PyObject *value = *(PyObject **)((char *)line + slots->offsets[field]);
    if (value == NULL)
        PyErr_SetObject(PyExc_AttributeError, score_attributes[field]);
    return Py_XNewRef(value);
}

/* math.log1p: zero keeps its sign, the rest is the C library's. */
static double python_log1p(double x)
{
    return x == 0.0 ? x : log1p(x);
}

/* A field as float() reads it: a bool is 0.0 or 1.0. The fields of a LineInfo are floats, ints and
   bools, read here without the number protocol's calls (float(int) is PyLong_AsDouble). */
static int read_double(PyObject *line, const ScoreSlots *slots, int field, double *out)
{
    PyObject *value = score_field(line, slots, field);
    if (value == NULL)
        return -1;
    if (PyFloat_CheckExact(value))
        *out = PyFloat_AS_DOUBLE(value);
    else if (PyBool_Check(value))
        *out = value == Py_True ? 1.0 : 0.0;
    else if (PyLong_CheckExact(value))
        *out = PyLong_AsDouble(value);
    else
        *out = PyFloat_AsDouble(value);
    Py_DECREF(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

/* linescore.own_features of one line. */
static int own_features(PyObject *line, const ScoreSlots *slots, PyObject *decided, double *own)
{
    for (int field = 0; field < SCORE_OWN - 1; field++)
        if (read_double(line, slots, field, &own[field]) < 0)
            return -1;
    own[0] = python_log1p(own[0]);
    own[5] = own[5] > 0 ? 1.0 : 0.0;
    PyObject *number = score_field(line, slots, SCORE_OWN);
    if (number == NULL)
        return -1;
    int in = PySequence_Contains(decided, number);
    Py_DECREF(number);
    if (in < 0)
        return -1;
    own[8] = in ? 1.0 : 0.0;
    return 0;
}

/* bias + sum(map(mul, weights, row)), as the running Python adds. */
static double weighted_sum(const double *weights, const double *row, double bias)
{
    volatile double product = weights[0] * row[0];
    double total = 0.0 + product;
#if PY_VERSION_HEX >= 0x030C0000
    double compensation = 0.0;
    for (int k = 1; k < SCORE_FEATURES; k++) {
        product = weights[k] * row[k];
        double x = product, sum = total + x;
        compensation += fabs(total) >= fabs(x) ? (total - sum) + x : (x - sum) + total;
        total = sum;
    }
    if (compensation != 0.0 && isfinite(compensation))
        total += compensation;
#else
    for (int k = 1; k < SCORE_FEATURES; k++) {
        product = weights[k] * row[k];
        total += product;
    }
#endif
    return bias + total;
}

/* linescore's row of line i from the own features of all lines. */
static void feature_row(const double *own, Py_ssize_t i, Py_ssize_t n, double edge_share, double *row)
{
    static const double edge[SCORE_AROUND] = {0.0, 0.0, 0.0, 1.0};
    Py_ssize_t last = n - 1 > 1 ? n - 1 : 1;
    double at = (double)i / (double)last;
    memcpy(row, own + i * SCORE_OWN, SCORE_OWN * sizeof(double));
    for (int k = 0; k < SCORE_AROUND; k++) {
        row[SCORE_OWN + k] = i > 0 ? own[(i - 1) * SCORE_OWN + around_items[k]] : edge[k];
        row[SCORE_OWN + SCORE_AROUND + k] = i + 1 < n ? own[(i + 1) * SCORE_OWN + around_items[k]] : edge[k];
    }
    row[SCORE_FEATURES - 3] = at;
    row[SCORE_FEATURES - 2] = at < edge_share ? 1.0 : 0.0;
    row[SCORE_FEATURES - 1] = at > 1 - edge_share ? 1.0 : 0.0;
}

/* linescore._logistic of the score smoothed with the mean of its neighbours'. */
static double smoothed_chance(double score, double up, double down, double smooth)
{
    volatile double kept = (1 - smooth) * score, taken = smooth * ((up + down) / 2);
    double z = kept + taken;
    z = z < 60.0 ? z : 60.0;
    z = z > -60.0 ? z : -60.0;
    return 1.0 / (1.0 + exp(-z));
}

static int read_weights(PyObject *list, double *weights)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != SCORE_FEATURES) {
        PyErr_Format(PyExc_TypeError, "line_chances: weights must be a list of %d floats", SCORE_FEATURES);
        return -1;
    }
    for (int k = 0; k < SCORE_FEATURES; k++) {
        weights[k] = PyFloat_AsDouble(PyList_GET_ITEM(list, k));
        if (weights[k] == -1.0 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* The chances of lines with `own` features into `chances`; raw: room for their scores. */
static void chances_of(const double *own, double *raw, Py_ssize_t n, const double *weights, double bias,
                       double smooth, double edge_share, double *chances)
{
    double row[SCORE_FEATURES];
    for (Py_ssize_t i = 0; i < n; i++) {
        feature_row(own, i, n, edge_share, row);
        raw[i] = weighted_sum(weights, row, bias);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double up = raw[i > 0 ? i - 1 : 0], down = raw[i + 1 < n ? i + 1 : n - 1];
        chances[i] = smoothed_chance(raw[i], up, down, smooth);
    }
}

/* Each chance as a float (no threshold). */
static PyObject *all_chances(const double *chances, Py_ssize_t n, double threshold)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        PyObject *chance = PyFloat_FromDouble(chances[i]);
        if (chance == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, chance);
    }
    return list;
}

/* (index, chance) of each chance that reaches threshold. */
static PyObject *likely_list(const double *chances, Py_ssize_t n, double threshold)
{
    PyObject *list = PyList_New(0);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        if (!(chances[i] >= threshold))
            continue;
        PyObject *pair = Py_BuildValue("(nd)", i, chances[i]);
        if (pair == NULL || PyList_Append(list, pair) < 0)
            Py_CLEAR(list);
        Py_XDECREF(pair);
    }
    return list;
}

/* The field names, made once, on the first call (`number`, the last one made, says they are). */
static int intern_score_attributes(void)
{
    for (int i = 0; i <= SCORE_OWN; i++)
        if (score_attribute_names[i] != NULL
            && (score_attributes[i] = PyUnicode_InternFromString(score_attribute_names[i])) == NULL)
            return -1;
    return 0;
}

/* The chances of the lines, as line_chances and likely_lines read them from their arguments (the
   format of likely_lines' reads a threshold after them), made into a list by `made`. */
static PyObject *read_chances(PyObject *args, const char *format,
                              PyObject *(*made)(const double *, Py_ssize_t, double))
{
    PyObject *lines, *decided, *weight_list;
    double bias, smooth, edge_share, weights[SCORE_FEATURES], limit = 0.0;
    if (score_attributes[SCORE_OWN] == NULL && intern_score_attributes() < 0)
        return NULL;
    if (!PyArg_ParseTuple(args, format, &PyList_Type, &lines, &decided, &PyList_Type, &weight_list, &bias, &smooth,
                          &edge_share, &limit)
        || read_weights(weight_list, weights) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    double *own = PyMem_Malloc((n * SCORE_OWN + 2 * n + 1) * sizeof(double));
    if (own == NULL)
        return PyErr_NoMemory();
    PyObject *out = NULL;
    Py_ssize_t i = 0;
    ScoreSlots slots;
    find_score_slots(lines, &slots);
    while (i < n && own_features(PyList_GET_ITEM(lines, i), &slots, decided, own + i * SCORE_OWN) == 0)
        i++;
    if (i == n) {
        double *chances = own + n * SCORE_OWN + n;
        chances_of(own, own + n * SCORE_OWN, n, weights, bias, smooth, edge_share, chances);
        out = made(chances, n, limit);
    }
    PyMem_Free(own);
    return out;
}

static PyObject *line_chances(PyObject *module, PyObject *args)
{
    return read_chances(args, "O!OO!ddd:line_chances", all_chances);
}

static PyObject *likely_lines(PyObject *module, PyObject *args)
{
    return read_chances(args, "O!OO!dddd:likely_lines", likely_list);
}

PyDoc_STRVAR(line_chances_doc,
"line_chances(lines, decided, weights, bias, smooth, edge_share) -> chances\n\n"
"linescore's chance of residue for each LineInfo of lines: the logistic of its weighted sum\n"
"(weights in linescore.FEATURES order) smoothed with its neighbours' by smooth.");

PyDoc_STRVAR(likely_lines_doc,
"likely_lines(lines, decided, weights, bias, smooth, edge_share, threshold) -> [(index, chance)]\n\n"
"linescore.python_likely_lines: line_chances' chances that reach threshold, each with its line's\n"
"index, without a float for the others.");

/* ---- build_page's LineInfo objects for plain lines, from plain_scan's ----

   page._features' reference: a LineInfo of the line's features and its stop share in the page's
   language. The objects are made as the dataclass's __init__ would make them (a slots class: each
   field is a slot the object holds), without running it once per line. */

#define LINE_FIELDS 13 /* page.LineInfo's, in order */

static const char *line_field_names[LINE_FIELDS] = {
    "number", "text", "chars", "words", "letter_share", "digit_share", "sentence_end", "stop_share",
    "capital_share", "separators", "bullet", "spaceless", "key",
};

/* Where the objects of cls hold each field: a writable object slot of that name, or a TypeError. */
static int field_offsets(PyTypeObject *cls, Py_ssize_t *offsets)
{
    return slot_offsets(cls, line_field_names, LINE_FIELDS, offsets, "plain_lines", "line");
}

/* One line's object; stops: its words in the page's stop list. */
static PyObject *plain_line(PyTypeObject *cls, const Py_ssize_t *offsets, PyObject *number, PyObject *text,
                            const PlainLine *features, Py_ssize_t stops)
{
    PyObject *values[LINE_FIELDS] = {
        Py_NewRef(number), Py_NewRef(text), PyLong_FromSsize_t(features->chars),
        PyLong_FromSsize_t(features->words), PyFloat_FromDouble(features->letter_share),
        PyFloat_FromDouble(features->digit_share), PyBool_FromLong(features->sentence_end),
        PyFloat_FromDouble(features->words ? (double)stops / (double)features->words : 0.0),
        PyFloat_FromDouble(features->capital_share), PyLong_FromSsize_t(features->separators),
        PyBool_FromLong(features->bullet), PyBool_FromLong(features->spaceless), Py_NewRef(features->key),
    };
    bool failed = false;
    for (int i = 0; i < LINE_FIELDS; i++)
        failed |= values[i] == NULL;
    PyObject *line = failed ? NULL : cls->tp_alloc(cls, 0);
    for (int i = 0; i < LINE_FIELDS; i++) {
        if (line == NULL)
            Py_XDECREF(values[i]);
        else
            *(PyObject **)((char *)line + offsets[i]) = values[i];
    }
    return line;
}

static PyObject *plain_lines(PyObject *module, PyObject *args)
{
    PyObject *numbers, *scanned;
    int language;
    Py_ssize_t offsets[LINE_FIELDS];
    PyTypeObject *cls;
    if (!PyArg_ParseTuple(args, "O!OiO!:plain_lines", &PyList_Type, &numbers, &scanned, &language, &PyType_Type, &cls))
        return NULL;
    const PlainScan *scan = PyCapsule_GetPointer(scanned, PLAIN_SCAN);  /* TypeError or ValueError if not one */
    if (scan == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(scan->texts);
    if (PyList_GET_SIZE(numbers) != n || language < -1 || language >= scan->languages) {
        PyErr_SetString(PyExc_TypeError, "plain_lines: a number for each line scanned, and a language of the scan's "
                                         "stop table or -1");
        return NULL;
    }
    if (field_offsets(cls, offsets) < 0)
        return NULL;
    PyObject *lines = PyList_New(n);
    for (Py_ssize_t i = 0; lines != NULL && i < n; i++) {
        const PlainLine *features = &scan->lines[i];
        Py_ssize_t stops = language < 0 ? 0 : scan->hits[i * scan->languages + language];
        PyObject *line = features->key == NULL ? Py_NewRef(Py_None)
                         : plain_line(cls, offsets, PyList_GET_ITEM(numbers, i), PyTuple_GET_ITEM(scan->texts, i),
                                      features, stops);
        if (line == NULL)
            Py_CLEAR(lines);
        else
            PyList_SET_ITEM(lines, i, line);
    }
    return lines;
}

PyDoc_STRVAR(plain_lines_doc,
"plain_lines(numbers, scanned, language, cls) -> lines\n\n"
"For each line of plain_scan's scanned, None if it is not plain, else its cls (page.LineInfo) object,\n"
"numbered from numbers: its features and the share of its words in stop list language (-1: none).");

/* ---- context-classifier: block classes, runs of text and their revision ----

   provenance/detectors/classifier.py's initial_class, title_like, main_regions, by_place and revise
   are the reference and the fallback; tests/test_classifier_fast.py proves that both give the same
   classes. Blocks are LineInfo objects (their slots read as plain_lines writes them); a class is one
   of the four str of `names` (good, near, short, bad), handled here as its index. Each comparison is
   Python's: an int field against a float threshold is exact in a double (counts are far below 2**53),
   and running weights add in the same order. */

enum { GOOD_BLOCK, NEAR_BLOCK, SHORT_BLOCK, BAD_BLOCK, BLOCK_CLASSES };
enum { LIMIT_GOOD_CHARS, LIMIT_GOOD_STOP_SHARE, LIMIT_SENTENCE_WORDS, LIMIT_SENTENCE_STOP_SHARE, LIMIT_SHORT_CHARS,
       LIMIT_NEAR_STOP_SHARE, LIMIT_LONG_CHARS, LIMIT_LONG_MIN_STOP_SHARE, LIMIT_MIN_GOOD_BLOCKS, LIMIT_ANCHORS_ONLY,
       LIMIT_TITLE_WORDS, LIMIT_TITLE_CAPITALS, LIMIT_WEIGHTS, LIMIT_LINE_COST = LIMIT_WEIGHTS + BLOCK_CLASSES,
       LIMIT_MIN_SCORE, LIMIT_MIN_CHAR_SHARE, LIMIT_EDGE_MIN_CHAR_SHARE, LIMITS };

typedef struct {
    Py_ssize_t chars, words;
    double stop_share, capital_share;
    bool decided, sentence_end, spaceless;
} Block;

static int read_size(PyObject *value, Py_ssize_t *out)
{
    *out = PyLong_AsSsize_t(value);
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

static int read_float(PyObject *value, double *out)
{
    *out = PyFloat_AsDouble(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

static int read_truth(PyObject *value, bool *out)
{
    int truth = PyObject_IsTrue(value);
    *out = truth > 0;
    return truth < 0 ? -1 : 0;
}

/* The features initial_class and title_like read, of a LineInfo (offsets: field_offsets'). */
static int read_block(PyObject *info, const Py_ssize_t *offsets, PyObject *decided, Block *block)
{
    PyObject *fields[LINE_FIELDS];
    for (int i = 0; i < LINE_FIELDS; i++) {
        fields[i] = *(PyObject **)((char *)info + offsets[i]);
        if (fields[i] == NULL) {
            PyErr_Format(PyExc_AttributeError, "block_classes: a line without %s", line_field_names[i]);
            return -1;
        }
    }
    int in_decided = PySet_Contains(decided, fields[0]);
    block->decided = in_decided > 0;
    if (in_decided < 0 || read_size(fields[2], &block->chars) < 0 || read_size(fields[3], &block->words) < 0
        || read_float(fields[7], &block->stop_share) < 0 || read_float(fields[8], &block->capital_share) < 0
        || read_truth(fields[6], &block->sentence_end) < 0 || read_truth(fields[11], &block->spaceless) < 0)
        return -1;
    return 0;
}

/* classifier.initial_class */
static int initial_class(const Block *b, const double *limits)
{
    if (b->decided)
        return BAD_BLOCK;
    if (b->spaceless)
        return b->sentence_end ? GOOD_BLOCK : SHORT_BLOCK;
    if ((double)b->chars >= limits[LIMIT_GOOD_CHARS] && b->stop_share >= limits[LIMIT_GOOD_STOP_SHARE])
        return GOOD_BLOCK;
    if (b->sentence_end && (double)b->words >= limits[LIMIT_SENTENCE_WORDS]
        && b->stop_share >= limits[LIMIT_SENTENCE_STOP_SHARE])
        return GOOD_BLOCK;
    if ((double)b->chars < limits[LIMIT_SHORT_CHARS])
        return SHORT_BLOCK;
    if (b->stop_share >= limits[LIMIT_NEAR_STOP_SHARE])
        return NEAR_BLOCK;
    if ((double)b->chars >= limits[LIMIT_LONG_CHARS] && b->stop_share >= limits[LIMIT_LONG_MIN_STOP_SHARE])
        return NEAR_BLOCK;
    return BAD_BLOCK;
}

/* detect's anchors_only: a class that is not good and not a decided line's is only doubtful. */
static int doubtful_class(int c, const Block *b)
{
    if (c == GOOD_BLOCK || b->decided)
        return c;
    return c == NEAR_BLOCK ? GOOD_BLOCK : SHORT_BLOCK;
}

/* classifier.title_like */
static bool title_like(const Block *b, const double *limits)
{
    return !b->sentence_end && (double)b->words <= limits[LIMIT_TITLE_WORDS]
           && b->capital_share >= limits[LIMIT_TITLE_CAPITALS];
}

/* classifier.main_regions, into `inside`. */
static void main_regions(const int *classes, const Block *blocks, Py_ssize_t n, const double *limits, bool *inside)
{
    double total = 0.0, best = 0.0;
    Py_ssize_t start = 0, best_end = -1;
    for (Py_ssize_t i = 0; i <= n; i++) {
        if (i == n || total <= 0) {  /* close the run: past the last block, always */
            if (best_end >= 0 && best >= limits[LIMIT_MIN_SCORE])
                for (Py_ssize_t j = start; j <= best_end; j++)
                    inside[j] = true;
            if (i == n)
                break;
            total = 0.0, start = i, best = 0.0, best_end = -1;
        }
        double weight = limits[LIMIT_WEIGHTS + classes[i]];
        total += weight * (double)blocks[i].chars - (weight <= 0 ? limits[LIMIT_LINE_COST] : 0.0);
        if (total > best)
            best = total, best_end = i;
    }
}

/* classifier.by_place, into `judged`. */
static void by_place(const bool *inside, const Block *blocks, Py_ssize_t n, const double *limits, bool *judged)
{
    Py_ssize_t held = 0, total = 0, first = -1, last = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        total += blocks[i].chars;
        if (inside[i]) {
            held += blocks[i].chars;
            first = first < 0 ? i : first;
            last = i;
        }
    }
    bool all = (double)held >= limits[LIMIT_MIN_CHAR_SHARE] * (double)total;
    bool none = first < 0 || (double)held < limits[LIMIT_EDGE_MIN_CHAR_SHARE] * (double)total;
    for (Py_ssize_t i = 0; i < n; i++)
        judged[i] = !none && (all ? !inside[i] : i < first || i > last);
}

static PyObject *class_list(const int *classes, Py_ssize_t n, PyObject *names)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++)
        PyList_SET_ITEM(list, i, Py_NewRef(PyTuple_GET_ITEM(names, classes[i])));
    return list;
}

static bool block_names(PyObject *names)
{
    bool ok = PyTuple_Check(names) && PyTuple_GET_SIZE(names) == BLOCK_CLASSES;
    for (Py_ssize_t i = 0; ok && i < BLOCK_CLASSES; i++)
        ok = PyUnicode_Check(PyTuple_GET_ITEM(names, i));
    if (!ok)
        PyErr_SetString(PyExc_TypeError, "the class names: a tuple of four str (good, near, short, bad)");
    return ok;
}

/* The pair (a, b), taking both references (NULL when either is NULL): the end of a function that
   builds two lists and hands both back. */
static PyObject *pair_taken(PyObject *a, PyObject *b)
{
    PyObject *pair = a != NULL && b != NULL ? PyTuple_Pack(2, a, b) : NULL;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return pair;
}

/* The tuple (a, b) of two ints: what Py_BuildValue("(nn)", a, b) makes, without reading a format
   (a tenth of its cost), for the spans the readers of quotations and speakers hand back by the thousand. */
static PyObject *ssize_pair(Py_ssize_t a, Py_ssize_t b)
{
    PyObject *first = PyLong_FromSsize_t(a), *second = first == NULL ? NULL : PyLong_FromSsize_t(b);
    PyObject *pair = second == NULL ? NULL : PyTuple_New(2);
    if (pair == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(second);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, first);
    PyTuple_SET_ITEM(pair, 1, second);
    return pair;
}

/* The first n items of a tuple of size items, ints, into out, as PyArg_ParseTuple's "n" reads each
   (by __index__), without reading a format: false, with an error set, for anything else. */
static bool read_ssizes(PyObject *item, Py_ssize_t size, Py_ssize_t *out, Py_ssize_t n)
{
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != size) {
        PyErr_Format(PyExc_TypeError, "a tuple of %zd items", size);
        return false;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyNumber_AsSsize_t(PyTuple_GET_ITEM(item, i), PyExc_OverflowError);
        if (out[i] == -1 && PyErr_Occurred())
            return false;
    }
    return true;
}

/* The classes (first) and the places judged, or None for too few good blocks. */
static PyObject *classes_and_places(const Block *blocks, Py_ssize_t n, const double *limits, PyObject *names,
                                    int *classes, int *regions, bool *inside, bool *judged)
{
    Py_ssize_t good = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        classes[i] = initial_class(&blocks[i], limits);
        good += classes[i] == GOOD_BLOCK;
    }
    if ((double)good < limits[LIMIT_MIN_GOOD_BLOCKS])
        Py_RETURN_NONE;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (limits[LIMIT_ANCHORS_ONLY] != 0.0)
            classes[i] = doubtful_class(classes[i], &blocks[i]);
        regions[i] = classes[i] == GOOD_BLOCK && title_like(&blocks[i], limits) ? SHORT_BLOCK : classes[i];
        inside[i] = false;
    }
    main_regions(regions, blocks, n, limits, inside);
    by_place(inside, blocks, n, limits, judged);
    PyObject *first = class_list(classes, n, names), *places = PyList_New(n);
    for (Py_ssize_t i = 0; places != NULL && i < n; i++)
        PyList_SET_ITEM(places, i, PyBool_FromLong(judged[i]));
    return pair_taken(first, places);
}

static PyObject *block_classes(PyObject *module, PyObject *args)
{
    PyObject *infos, *decided, *names, *limit_tuple;
    double limits[LIMITS];
    if (!PyArg_ParseTuple(args, "O!OOO!:block_classes", &PyList_Type, &infos, &decided, &names, &PyTuple_Type,
                          &limit_tuple) || !block_names(names))
        return NULL;
    if (!PyAnySet_Check(decided)) {
        PyErr_SetString(PyExc_TypeError, "block_classes: decided must be a set");
        return NULL;
    }
    if (PyTuple_GET_SIZE(limit_tuple) != LIMITS) {
        PyErr_Format(PyExc_TypeError, "block_classes: %d limits", LIMITS);
        return NULL;
    }
    for (int i = 0; i < LIMITS; i++)
        if (read_float(PyTuple_GET_ITEM(limit_tuple, i), &limits[i]) < 0)
            return NULL;
    Py_ssize_t n = PyList_GET_SIZE(infos), offsets[LINE_FIELDS];
    Block *blocks = PyMem_Calloc(n + 1, sizeof(Block));
    int *classes = PyMem_Calloc(2 * (n + 1), sizeof(int));
    bool *flags = PyMem_Calloc(2 * (n + 1), sizeof(bool));
    PyObject *result = NULL;
    if (blocks == NULL || classes == NULL || flags == NULL)
        PyErr_NoMemory();
    else {
        bool read = true;
        PyTypeObject *cls = n > 0 ? Py_TYPE(PyList_GET_ITEM(infos, 0)) : NULL;
        if (cls != NULL && field_offsets(cls, offsets) < 0)
            read = false;
        for (Py_ssize_t i = 0; read && i < n; i++) {
            PyObject *info = PyList_GET_ITEM(infos, i);
            if (!Py_IS_TYPE(info, cls)) {
                PyErr_SetString(PyExc_TypeError, "block_classes: blocks of one LineInfo class");
                read = false;
            }
            else
                read = read_block(info, offsets, decided, &blocks[i]) == 0;
        }
        if (read)
            result = classes_and_places(blocks, n, limits, names, classes, classes + n + 1, flags, flags + n + 1);
    }
    PyMem_Free(blocks);
    PyMem_Free(classes);
    PyMem_Free(flags);
    return result;
}

/* The class index of each str of `list`, by `names`; -1 (a ValueError) for another. */
static int class_indexes(PyObject *list, PyObject *names, int *out)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        out[i] = -1;
        for (int c = 0; c < BLOCK_CLASSES && out[i] < 0; c++) {
            PyObject *name = PyTuple_GET_ITEM(names, c);
            int same = item == name ? 1 : PyObject_RichCompareBool(item, name, Py_EQ);
            if (same < 0)
                return -1;
            out[i] = same ? c : -1;
        }
        if (out[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "revise_classes: a class that is not one of the names");
            return -1;
        }
    }
    return 0;
}

/* classifier.revise's two passes: each longest run of classes in `skip` (a bit mask) takes, by
   `take`, the nearest classes outside it above and below (`edge` beyond the text). */
static void revise_runs(const int *classes, int *out, Py_ssize_t n, unsigned skip, int edge, bool near_pass)
{
    Py_ssize_t start = 0;
    while (start < n) {
        if (!(skip >> classes[start] & 1)) {
            start++;
            continue;
        }
        Py_ssize_t end = start;
        while (end < n && skip >> classes[end] & 1)
            end++;
        int up = start > 0 ? classes[start - 1] : edge, down = end < n ? classes[end] : edge;
        for (Py_ssize_t i = start; i < end; i++) {
            if (near_pass && classes[i] == NEAR_BLOCK)
                out[i] = up == BAD_BLOCK && down == BAD_BLOCK ? BAD_BLOCK : GOOD_BLOCK;
            else if (!near_pass && up == down)
                out[i] = up;
        }
        start = end;
    }
}

static PyObject *revise_classes(PyObject *module, PyObject *args)
{
    PyObject *list, *names, *edge_name;
    if (!PyArg_ParseTuple(args, "O!OO:revise_classes", &PyList_Type, &list, &names, &edge_name) || !block_names(names))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(list);
    int *classes = PyMem_Calloc(3 * (n + 1), sizeof(int)), edge;
    PyObject *result = NULL;
    if (classes == NULL)
        return PyErr_NoMemory();
    PyObject *edge_list = PyList_New(1);
    if (edge_list != NULL) {
        PyList_SET_ITEM(edge_list, 0, Py_NewRef(edge_name));
        if (class_indexes(list, names, classes) == 0 && class_indexes(edge_list, names, &edge) == 0) {
            int *out = classes + n + 1, *final = out + n + 1;
            memcpy(out, classes, n * sizeof(int));
            bool near = false;
            for (Py_ssize_t i = 0; i < n; i++)
                near |= classes[i] == NEAR_BLOCK;
            if (near)
                revise_runs(classes, out, n, 1u << SHORT_BLOCK | 1u << NEAR_BLOCK, edge, true);
            memcpy(final, out, n * sizeof(int));
            revise_runs(out, final, n, 1u << SHORT_BLOCK, edge, false);
            result = class_list(final, n, names);
        }
        Py_DECREF(edge_list);
    }
    PyMem_Free(classes);
    return result;
}

/* classifier.blocks: runs of hard-wrapped lines. `open_ends`: the characters that end a line going
   on in the next (page.OPEN_ENDS); `continues`: classifier._continues, called for a next line whose
   first character is not ASCII (an ASCII one goes on when it is a-z or "("). */
static int wrapped(PyObject *line, PyObject *after, const Py_ssize_t *offsets, PyObject *open_ends,
                   PyObject *continues)
{
    PyObject *text = *(PyObject **)((char *)line + offsets[1]);
    PyObject *next = *(PyObject **)((char *)after + offsets[1]);
    PyObject *sentence_end = *(PyObject **)((char *)line + offsets[6]);
    if (text == NULL || next == NULL || sentence_end == NULL || !PyUnicode_Check(text) || !PyUnicode_Check(next)) {
        PyErr_SetString(PyExc_TypeError, "line_blocks: lines with a str text and a sentence_end");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n > 0) {
        Py_ssize_t found = PyUnicode_FindChar(open_ends, PyUnicode_READ_CHAR(text, n - 1), 0,
                                              PyUnicode_GET_LENGTH(open_ends), 1);
        if (found != -1)
            return found == -2 ? -1 : 1;
    }
    int ends = PyObject_IsTrue(sentence_end);
    if (ends != 0)
        return ends < 0 ? -1 : 0;
    if (PyUnicode_GET_LENGTH(next) == 0)
        return 0;
    Py_UCS4 first = PyUnicode_READ_CHAR(next, 0);
    if (first < 128)
        return (first >= 'a' && first <= 'z') || first == '(';
    PyObject *goes_on = PyObject_CallOneArg(continues, next);
    int truth = goes_on == NULL ? -1 : PyObject_IsTrue(goes_on);
    Py_XDECREF(goes_on);
    return truth;
}

/* (block index, first line index, end line index) of a block of several lines, into `several`. */
static int add_several(PyObject *several, Py_ssize_t at, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *item = Py_BuildValue("(nnn)", at, start, end);
    int added = item == NULL ? -1 : PyList_Append(several, item);
    Py_XDECREF(item);
    return added;
}

static PyObject *line_blocks(PyObject *module, PyObject *args)
{
    PyObject *lines, *decided, *open_ends, *continues;
    Py_ssize_t offsets[LINE_FIELDS];
    if (!PyArg_ParseTuple(args, "O!OUO:line_blocks", &PyList_Type, &lines, &decided, &open_ends, &continues))
        return NULL;
    if (!PyAnySet_Check(decided)) {
        PyErr_SetString(PyExc_TypeError, "line_blocks: decided must be a set");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(lines);
    PyTypeObject *cls = n > 0 ? Py_TYPE(PyList_GET_ITEM(lines, 0)) : NULL;
    if (cls != NULL && field_offsets(cls, offsets) < 0)
        return NULL;
    PyObject *firsts = PyList_New(0), *several = PyList_New(0);
    Py_ssize_t above_number = 0, start = 0;
    bool above_decided = true, ok = firsts != NULL && several != NULL;  /* no line above the first */
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        PyObject *number = Py_IS_TYPE(line, cls) ? *(PyObject **)((char *)line + offsets[0]) : NULL;
        Py_ssize_t value = number == NULL ? -1 : PyLong_AsSsize_t(number);
        int in_decided = number == NULL || (value == -1 && PyErr_Occurred()) ? -1 : PySet_Contains(decided, number);
        int joins = in_decided < 0 ? -1 : 0;
        if (in_decided == 0 && !above_decided && value == above_number + 1)
            joins = wrapped(PyList_GET_ITEM(lines, i - 1), line, offsets, open_ends, continues);
        if (joins < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "line_blocks: lines of one LineInfo class, numbered by int");
            ok = false;
        }
        else if (!joins) {
            if (i - start > 1 && add_several(several, PyList_GET_SIZE(firsts) - 1, start, i) < 0)
                ok = false;
            start = i;
            ok = ok && PyList_Append(firsts, line) == 0;
        }
        above_number = value;
        above_decided = in_decided != 0;
    }
    if (ok && n - start > 1 && add_several(several, PyList_GET_SIZE(firsts) - 1, start, n) < 0)
        ok = false;
    PyObject *out = ok ? PyTuple_Pack(2, firsts, several) : NULL;
    Py_XDECREF(firsts);
    Py_XDECREF(several);
    return out;
}

PyDoc_STRVAR(line_blocks_doc,
"line_blocks(lines, decided, open_ends, continues) -> (firsts, several)\n\n"
"classifier.python_blocks of a page's lines (LineInfo objects): each block's first line, and\n"
"(block index, first line index, end line index) of each hard-wrapped run of several lines.\n"
"open_ends: page.OPEN_ENDS joined; continues: classifier._continues, for a next line's first\n"
"character that is not ASCII.");

PyDoc_STRVAR(block_classes_doc,
"block_classes(infos, decided, names, limits) -> (classes, judged) or None\n\n"
"classifier.detect's first classes of the blocks (LineInfo objects; names: the good, near, short and\n"
"bad str) and whether each is judged by its place, or None for fewer good blocks than the minimum.\n"
"limits: the classifier's thresholds as floats, in classifier._LIMITS order.");

PyDoc_STRVAR(revise_classes_doc,
"revise_classes(classes, names, edge) -> classes\n\n"
"classifier.revise of the classes (each one of names), the text's edges counting as edge.");

/* ---- attribution: quotation marks paired, and the words of speakers and names read ---------------
   provenance/quotes.py and provenance/speakers.py hold the reference of each function, used when this
   module is missing; tests/test_quotes.py and tests/test_attribution.py prove that both agree.

   Quote-mark pairing of a document's paragraphs (quotes._paired_paragraphs). The marks and which
   closes which are quotes.MARKS and quotes.CLOSERS; whether a character beside a mark is a letter or
   a digit (quotes._IS_WORD) or a lowercase letter (quotes._IS_LOWER) is asked of the Python tables
   for any but ASCII, so both read Unicode alike. */

#define MAX_QUOTE_DEPTH 4 /* quotes.MAX_DEPTH */

typedef struct {
    Py_UCS4 mark;
    Py_ssize_t at;
} OpenMark;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t lo, hi;
    PyObject *word_chars, *lower_chars;
} QuoteScan;

static Py_ALWAYS_INLINE inline bool is_quote_mark(Py_UCS4 c)
{
    if (c != '"' && c < 0xAB)
        return false;  /* most characters: one comparison */
    switch (c) {
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB: case 0x2039: case 0x203A:
    case 0x2018: case 0x2019: case 0x201A: case '"':
        return true;
    default:
        return false;
    }
}

/* Whether `mark` closes a quotation opened by `opener` (quotes.CLOSERS). */
static bool closes(Py_UCS4 opener, Py_UCS4 mark)
{
    switch (opener) {
    case 0x201C: return mark == 0x201D || mark == '"';    /* “ -> ” " */
    case 0x201E: return mark == 0x201C || mark == 0x201D; /* „ -> “ ” */
    case 0x00AB: return mark == 0x00BB;                   /* « -> » */
    case 0x2039: return mark == 0x203A;                   /* ‹ -> › */
    case 0x2018: return mark == 0x2019;                   /* ‘ -> ’ */
    case 0x201A: return mark == 0x2019 || mark == 0x2018; /* ‚ -> ’ ‘ */
    case '"': return mark == '"' || mark == 0x201D;       /* " -> " ” */
    default: return false;
    }
}

/* Whether `mark` opens quotations (a key of quotes.CLOSERS). */
static bool opens_quotations(Py_UCS4 mark)
{
    switch (mark) {
    case 0x201C: case 0x201E: case 0x00AB: case 0x2039: case 0x2018: case 0x201A: case '"':
        return true;
    default:
        return false;
    }
}

/* quotes.CONTINUING: the marks that may leave a quotation open at a paragraph's end. */
static bool continues_quotation(Py_UCS4 mark)
{
    return mark == 0x201C || mark == 0x201E || mark == 0x00AB || mark == '"';
}

/* `table[c]` as a truth value (a quotes._CharTest), 0 or 1; -1 on an error. */
static int char_test(PyObject *table, Py_UCS4 c)
{
    PyObject *ch = PyUnicode_FromOrdinal(c);
    if (ch == NULL)
        return -1;
    PyObject *answer = PyObject_GetItem(table, ch);
    Py_DECREF(ch);
    if (answer == NULL)
        return -1;
    int truth = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return truth;
}

static int is_word_char(const QuoteScan *scan, Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return char_test(scan->word_chars, c);
}

/* quotes._plural_possessive: ``sides’ future``, a ’ after an s, then a space and a lowercase letter,
   with a later ’ in the paragraph to close on. */
static int plural_possessive(const QuoteScan *scan, Py_ssize_t i, Py_ssize_t last_single)
{
    Py_UCS4 before = PyUnicode_READ(scan->kind, scan->data, i - 1);
    if ((before != 's' && before != 'S') || i + 2 >= scan->hi || i >= last_single
        || PyUnicode_READ(scan->kind, scan->data, i + 1) != ' ')
        return 0;
    Py_UCS4 next = PyUnicode_READ(scan->kind, scan->data, i + 2);
    return next < 128 ? next >= 'a' && next <= 'z' : char_test(scan->lower_chars, next);
}

/* quotes._roles: whether the mark at `i` may open (bit 1) and may close (bit 2) a quotation; -1 on an error. */
static int mark_roles(const QuoteScan *scan, Py_ssize_t i)
{
    bool has_before = i > scan->lo, has_after = i + 1 < scan->hi;
    Py_UCS4 before = has_before ? PyUnicode_READ(scan->kind, scan->data, i - 1) : 0;
    Py_UCS4 after = has_after ? PyUnicode_READ(scan->kind, scan->data, i + 1) : 0;
    int word_before = has_before ? is_word_char(scan, before) : 0;
    int word_after = has_after ? is_word_char(scan, after) : 0;
    if (word_before < 0 || word_after < 0)
        return -1;
    if (word_before && word_after)
        return 0;
    bool can_open = !word_before && has_after && !Py_UNICODE_ISSPACE(after);
    bool can_close = !word_after && has_before && !Py_UNICODE_ISSPACE(before);
    return (can_open ? 1 : 0) | (can_close ? 2 : 0);
}

static bool is_ignored(Py_ssize_t at, const Py_ssize_t *ignored, int n_ignored)
{
    for (int k = 0; k < n_ignored; k++)
        if (ignored[k] == at)
            return true;
    return false;
}

/* quotes._scan: the outermost pairs (into `pairs`, two offsets each) and the marks left open
   (`stack`, `*depth`); -1 on an error, else the number of pairs. */
static Py_ssize_t scan_quote_marks(const QuoteScan *scan, const Py_ssize_t *marks, Py_ssize_t n_marks,
                                   const Py_ssize_t *ignored, int n_ignored, Py_ssize_t *pairs,
                                   OpenMark *stack, int *depth)
{
    Py_ssize_t n_pairs = 0, last_single = -1;  /* the paragraph's last ’, a mark itself */
    for (Py_ssize_t m = n_marks - 1; m >= 0 && last_single < 0; m--)
        if (PyUnicode_READ(scan->kind, scan->data, marks[m]) == 0x2019)
            last_single = marks[m];
    *depth = 0;
    for (Py_ssize_t m = 0; m < n_marks; m++) {
        Py_ssize_t i = marks[m];
        if (is_ignored(i, ignored, n_ignored))
            continue;
        Py_UCS4 ch = PyUnicode_READ(scan->kind, scan->data, i);
        int roles = mark_roles(scan, i);
        if (roles < 0)
            return -1;
        if ((roles & 2) && *depth > 0 && closes(stack[*depth - 1].mark, ch)) {
            int possessive = ch == 0x2019 ? plural_possessive(scan, i, last_single) : 0;
            if (possessive < 0)
                return -1;
            if (!possessive) {
                OpenMark opener = stack[--*depth];
                if (*depth == 0) {
                    pairs[2 * n_pairs] = opener.at;
                    pairs[2 * n_pairs + 1] = i;
                    n_pairs++;
                }
                continue;
            }
        }
        if ((roles & 1) && opens_quotations(ch) && *depth < MAX_QUOTE_DEPTH)
            stack[(*depth)++] = (OpenMark){ch, i};
    }
    return n_pairs;
}

/* quotes.pair_paragraph, as (k, pairs, dangling); None for a paragraph with neither. */
static PyObject *paired_paragraph(const QuoteScan *scan, Py_ssize_t k, const Py_ssize_t *marks, Py_ssize_t n_marks,
                                  Py_ssize_t *pairs)
{
    OpenMark stack[MAX_QUOTE_DEPTH];
    Py_ssize_t unclosed_single[MAX_QUOTE_DEPTH];
    int depth, n_unclosed = 0;
    Py_ssize_t n_pairs = scan_quote_marks(scan, marks, n_marks, NULL, 0, pairs, stack, &depth);
    for (int d = 0; n_pairs >= 0 && d < depth; d++)
        if (!continues_quotation(stack[d].mark))
            unclosed_single[n_unclosed++] = stack[d].at;
    if (n_pairs >= 0 && n_unclosed > 0)
        n_pairs = scan_quote_marks(scan, marks, n_marks, unclosed_single, n_unclosed, pairs, stack, &depth);
    if (n_pairs < 0)
        return NULL;
    bool dangles = depth > 0 && continues_quotation(stack[0].mark);
    if (n_pairs == 0 && !dangles)
        return Py_NewRef(Py_None);
    PyObject *list = PyList_New(n_pairs);
    for (Py_ssize_t p = 0; list != NULL && p < n_pairs; p++) {
        PyObject *pair = ssize_pair(pairs[2 * p], pairs[2 * p + 1]);
        if (pair == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, p, pair);
    }
    if (list == NULL)
        return NULL;
    PyObject *index = PyLong_FromSsize_t(k);
    PyObject *dangling = dangles ? PyLong_FromSsize_t(stack[0].at) : Py_NewRef(Py_None);
    PyObject *paired = index != NULL && dangling != NULL ? PyTuple_Pack(3, index, list, dangling) : NULL;
    Py_XDECREF(index);
    Py_XDECREF(dangling);
    Py_DECREF(list);
    return paired;
}

/* The first block of chars[i:hi] that may hold a quotation mark (in the block of quotation marks and verb places below). */
static Py_ssize_t mark_block_1(const Py_UCS1 *chars, Py_ssize_t i, Py_ssize_t hi);
static Py_ssize_t mark_block_2(const Py_UCS2 *chars, Py_ssize_t i, Py_ssize_t hi);

/* The offset of the first mark in [i, hi), hi for none: the blocks that may hold one read one by
   one, for each width of character. */
#define NEXT_MARK_IN(TYPE, BLOCK, WIDTH)                                                  \
    for (;;) {                                                                            \
        i = BLOCK((const TYPE *)data, i, hi);                                             \
        Py_ssize_t stop = hi - i > WIDTH ? i + WIDTH : hi;                                \
        for (; i < stop; i++)                                                             \
            if (is_quote_mark(((const TYPE *)data)[i]))                                   \
                return i;                                                                 \
        if (i >= hi)                                                                      \
            return hi;                                                                    \
    }

static Py_ssize_t next_quote_mark(int kind, const void *data, Py_ssize_t i, Py_ssize_t hi)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        NEXT_MARK_IN(Py_UCS1, mark_block_1, 16)
    } else if (kind == PyUnicode_2BYTE_KIND) {
        NEXT_MARK_IN(Py_UCS2, mark_block_2, 8)
    }
    const Py_UCS4 *chars = data;
    while (i < hi && !is_quote_mark(chars[i]))
        i++;
    return i;
}

static bool read_bounds(PyObject *bound, Py_ssize_t length, Py_ssize_t *lo, Py_ssize_t *hi)
{
    if (!PyTuple_Check(bound) || PyTuple_GET_SIZE(bound) != 2)
        return false;
    *lo = PyLong_AsSsize_t(PyTuple_GET_ITEM(bound, 0));
    *hi = PyLong_AsSsize_t(PyTuple_GET_ITEM(bound, 1));
    return !PyErr_Occurred() && 0 <= *lo && *lo <= *hi && *hi <= length;
}

static PyObject *paired_paragraphs(PyObject *module, PyObject *args)
{
    PyObject *text, *bounds, *word_chars, *lower_chars;
    if (!PyArg_ParseTuple(args, "UO!OO:paired_paragraphs", &text, &PyList_Type, &bounds, &word_chars, &lower_chars))
        return NULL;
    QuoteScan scan = {PyUnicode_KIND(text), PyUnicode_DATA(text), 0, 0, word_chars, lower_chars};
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), floor = 0;
    Py_ssize_t *marks = NULL, *pairs = NULL, capacity = 0;
    PyObject *out = PyList_New(0);
    for (Py_ssize_t k = 0; out != NULL && k < PyList_GET_SIZE(bounds); k++) {
        if (!read_bounds(PyList_GET_ITEM(bounds, k), length, &scan.lo, &scan.hi) || scan.lo < floor) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "paired_paragraphs: (start, end) offsets in text order, none overlapping");
            Py_CLEAR(out);
            break;
        }
        floor = scan.hi;
        Py_ssize_t n_marks = 0;
        for (Py_ssize_t i = next_quote_mark(scan.kind, scan.data, scan.lo, scan.hi); i < scan.hi;
             i = next_quote_mark(scan.kind, scan.data, i + 1, scan.hi)) {
            if (n_marks == capacity) {
                capacity = capacity ? 2 * capacity : 64;
                Py_ssize_t *grown_marks = PyMem_Realloc(marks, capacity * sizeof *marks);
                Py_ssize_t *grown_pairs = grown_marks ? PyMem_Realloc(pairs, capacity * sizeof *pairs) : NULL;
                marks = grown_marks ? grown_marks : marks;
                pairs = grown_pairs ? grown_pairs : pairs;
                if (grown_pairs == NULL) {
                    PyErr_NoMemory();
                    Py_CLEAR(out);
                    break;
                }
            }
            marks[n_marks++] = i;
        }
        if (out == NULL || n_marks == 0)
            continue;
        PyObject *paragraph = paired_paragraph(&scan, k, marks, n_marks, pairs);
        if (paragraph == NULL || (paragraph != Py_None && PyList_Append(out, paragraph) < 0))
            Py_CLEAR(out);
        Py_XDECREF(paragraph);
    }
    PyMem_Free(marks);
    PyMem_Free(pairs);
    return out;
}

PyDoc_STRVAR(paired_paragraphs_doc,
"paired_paragraphs(text, bounds, word_chars, lower_chars) -> [(k, pairs, dangling)]\n\n"
"quotes._paired_paragraphs: for each paragraph (bounds[k], a (start, end) tuple, in text order)\n"
"with a pair of quotation marks or a mark left open, its outermost pairs and that mark\n"
"(quotes.pair_paragraph).\n"
"word_chars and lower_chars answer for characters beyond ASCII (quotes._IS_WORD, quotes._IS_LOWER).");

/* The words a speaker phrase is read from (speakers._tokens_python) and the name mentions a short
   name is resolved by (speakers._mention_spans_python). What a character beyond ASCII is (\p{L},
   \p{N}, \p{Lu}, \p{Ll}) is asked of the Python table speakers._CHAR_CLASSES, so both read Unicode
   alike. */

enum { TOKEN_LETTER = 1, TOKEN_NUMBER = 2, TOKEN_UPPER = 4, TOKEN_LOWER = 8, TOKEN_WORD = 16 };

/* The classes (TOKEN_* bits) of the characters beyond ASCII a call has met, by their last 8 bits:
   a text's letters are few, and each is asked of the Python table once a call, not once a time. */
typedef struct {
    PyObject *table;
    Py_UCS4 key[256]; /* 0 (an ASCII character, never kept here) for none */
    int value[256];
} ClassCache;

static void start_class_cache(ClassCache *cache, PyObject *table)
{
    cache->table = table;
    memset(cache->key, 0, sizeof cache->key);
}

#define ASCII_LETTER(c) ((c) >= 'A' && (c) <= 'Z' ? TOKEN_LETTER | TOKEN_UPPER | TOKEN_WORD             \
                         : (c) >= 'a' && (c) <= 'z' ? TOKEN_LETTER | TOKEN_LOWER | TOKEN_WORD          \
                         : (c) >= '0' && (c) <= '9' ? TOKEN_NUMBER | TOKEN_WORD : (c) == '_' ? TOKEN_WORD : 0)
#define ASCII_CLASSES_8(c) ASCII_LETTER(c), ASCII_LETTER(c + 1), ASCII_LETTER(c + 2), ASCII_LETTER(c + 3), \
                           ASCII_LETTER(c + 4), ASCII_LETTER(c + 5), ASCII_LETTER(c + 6), ASCII_LETTER(c + 7)
/* The classes of the ASCII characters, looked up: every character of a speaker's words is asked. */
static const unsigned char ascii_classes[128] = {
    ASCII_CLASSES_8(0), ASCII_CLASSES_8(8), ASCII_CLASSES_8(16), ASCII_CLASSES_8(24),
    ASCII_CLASSES_8(32), ASCII_CLASSES_8(40), ASCII_CLASSES_8(48), ASCII_CLASSES_8(56),
    ASCII_CLASSES_8(64), ASCII_CLASSES_8(72), ASCII_CLASSES_8(80), ASCII_CLASSES_8(88),
    ASCII_CLASSES_8(96), ASCII_CLASSES_8(104), ASCII_CLASSES_8(112), ASCII_CLASSES_8(120),
};
#undef ASCII_CLASSES_8
#undef ASCII_LETTER

/* The classes of a character (TOKEN_* bits), -1 on an error. */
static int char_classes(ClassCache *cache, Py_UCS4 c)
{
    if (c < 128)
        return ascii_classes[c];
    if (cache->key[c & 255] == c)
        return cache->value[c & 255];
    PyObject *ch = PyUnicode_FromOrdinal(c);
    PyObject *bits = ch == NULL ? NULL : PyObject_GetItem(cache->table, ch);
    Py_XDECREF(ch);
    if (bits == NULL)
        return -1;
    long value = PyLong_AsLong(bits);
    Py_DECREF(bits);
    if (value == -1 && PyErr_Occurred())
        return -1;
    cache->key[c & 255] = c;
    cache->value[c & 255] = (int)value;
    return (int)value;
}

/* Whether a word's characters, classes[0..n), are speakers._INITIALS in full: (?:\p{L}\.)+ */
static bool initials(const int *classes, const Py_UCS4 *chars, Py_ssize_t n)
{
    if (n == 0 || n % 2)
        return false;
    for (Py_ssize_t k = 0; k < n; k += 2)
        if (!(classes[k] & TOKEN_LETTER) || chars[k + 1] != '.')
            return false;
    return true;
}

/* Whether a word is speakers._SHORT_ABBREVIATION in full: \p{Lu}\p{Ll}{0,3}\. */
static bool short_abbreviation(const int *classes, const Py_UCS4 *chars, Py_ssize_t n)
{
    if (n < 2 || n > 5 || !(classes[0] & TOKEN_UPPER) || chars[n - 1] != '.')
        return false;
    for (Py_ssize_t k = 1; k < n - 1; k++)
        if (!(classes[k] & TOKEN_LOWER))
            return false;
    return true;
}

static bool token_inner_mark(Py_UCS4 c)
{
    return c == 0x2019 || c == '\'' || c == '&' || c == '.' || c == '-';
}

/* A Token (cls, a slots class) of text[start:end], its fields at offsets. */
static PyObject *new_token(PyTypeObject *cls, const Py_ssize_t *offsets, PyObject *text, Py_ssize_t start,
                           Py_ssize_t end)
{
    PyObject *values[3] = {PyUnicode_Substring(text, start, end), PyLong_FromSsize_t(start), PyLong_FromSsize_t(end)};
    PyObject *token = values[0] && values[1] && values[2] ? cls->tp_alloc(cls, 0) : NULL;
    for (int i = 0; i < 3; i++) {
        if (token != NULL)
            *(PyObject **)((char *)token + offsets[i]) = values[i];
        else
            Py_XDECREF(values[i]);
    }
    return token;
}

static const char *token_field_names[3] = {"text", "start", "end"};

/* Where the objects of cls hold text, start and end: writable object slots, or a TypeError. */
static int token_offsets(PyTypeObject *cls, Py_ssize_t *offsets)
{
    return slot_offsets(cls, token_field_names, 3, offsets, "speaker_tokens", "token");
}

static PyObject *speaker_tokens(PyObject *module, PyObject *args)
{
    PyObject *text, *table;
    Py_ssize_t lo, hi, offsets[3];
    PyTypeObject *cls;
    if (!PyArg_ParseTuple(args, "UnnOO!:speaker_tokens", &text, &lo, &hi, &table, &PyType_Type, &cls)
        || token_offsets(cls, offsets) < 0)
        return NULL;
    if (lo < 0 || hi > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "speaker_tokens: a range of the text");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = hi > lo ? hi - lo : 0;
    Py_UCS4 *chars = PyMem_Malloc((n + 1) * sizeof *chars);
    int *classes = PyMem_Malloc((n + 1) * sizeof *classes);
    PyObject *out = chars != NULL && classes != NULL ? PyList_New(0) : PyErr_NoMemory();
    ClassCache cache;
    start_class_cache(&cache, table);
    for (Py_ssize_t k = 0; out != NULL && k < n; k++) {
        chars[k] = PyUnicode_READ(kind, data, lo + k);
        if ((classes[k] = char_classes(&cache, chars[k])) < 0)
            Py_CLEAR(out);
    }
    Py_ssize_t i = 0;
    while (out != NULL && i < n) {
        if (!(classes[i] & (TOKEN_LETTER | TOKEN_NUMBER))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && ((classes[j] & (TOKEN_LETTER | TOKEN_NUMBER)) || token_inner_mark(chars[j])))
            j++;
        Py_ssize_t end = j;
        if (chars[j - 1] == '.' && !initials(classes + i, chars + i, j - i)
            && !short_abbreviation(classes + i, chars + i, j - i))
            while (chars[end - 1] == '.')
                end--;
        PyObject *token = new_token(cls, offsets, text, lo + i, lo + end);
        if (token == NULL || PyList_Append(out, token) < 0)
            Py_CLEAR(out);
        Py_XDECREF(token);
        i = j;
    }
    PyMem_Free(chars);
    PyMem_Free(classes);
    return out;
}

PyDoc_STRVAR(speaker_tokens_doc,
"speaker_tokens(text, lo, hi, classes, cls) -> [cls]\n\n"
"speakers._tokens_python: the words of text[lo:hi] (0 <= lo, hi <= len(text)) as cls\n"
"(speakers.Token) objects; classes gives the TOKEN_* bits of a character beyond ASCII.");

/* A character a name's word holds after its capital (speakers._NAME_MENTION: [\p{L}’'.-]); -1 on an error. */
static int name_part(ClassCache *cache, Py_UCS4 c)
{
    if (c == 0x2019 || c == '\'' || c == '.' || c == '-')
        return 1;
    int classes = char_classes(cache, c);
    return classes < 0 ? -1 : (classes & TOKEN_LETTER) != 0;
}

/* Where the part of a name's word from `i` on ends (before hi); -1 on an error. */
static Py_ssize_t name_word_end(ClassCache *cache, int kind, const void *data, Py_ssize_t i, Py_ssize_t hi)
{
    int part;
    while (i < hi && (part = name_part(cache, PyUnicode_READ(kind, data, i))) > 0)
        i++;
    return i < hi && part < 0 ? -1 : i;
}

/* Whether the character at i is \p{Lu}; -1 on an error. */
static int name_capital(ClassCache *cache, int kind, const void *data, Py_ssize_t i)
{
    int classes = char_classes(cache, PyUnicode_READ(kind, data, i));
    return classes < 0 ? -1 : (classes & TOKEN_UPPER) != 0;
}

/* The end of speakers._NAME_MENTION's match at i (a capital, no letter, ’, ' or - before it), 0 for
   none, -1 on an error: the capitalised word, then each further one after spaces or tabs. No way
   of the pattern's other than the greedy one can match: a shorter word or run of spaces leaves a
   word's character or a space where the next item needs a space or a capital. */
static Py_ssize_t name_mention_end(ClassCache *cache, int kind, const void *data, Py_ssize_t i, Py_ssize_t hi)
{
    int capital = name_capital(cache, kind, data, i);
    if (capital <= 0)
        return capital;
    if (i > 0) {
        Py_UCS4 before = PyUnicode_READ(kind, data, i - 1);
        int part = before == '.' ? 0 : name_part(cache, before);  /* the look behind: [\p{L}’'-] */
        if (part != 0)
            return part < 0 ? -1 : 0;
    }
    Py_ssize_t end = 0, j = name_word_end(cache, kind, data, i + 1, hi);
    while (j > 0) {
        Py_ssize_t k = j;
        while (k < hi && (PyUnicode_READ(kind, data, k) == ' ' || PyUnicode_READ(kind, data, k) == '\t'))
            k++;
        if (k == j || k >= hi || (capital = name_capital(cache, kind, data, k)) <= 0)
            return capital < 0 ? -1 : end;
        end = j = name_word_end(cache, kind, data, k + 1, hi);
    }
    return j;
}

static PyObject *name_mentions(PyObject *module, PyObject *args)
{
    PyObject *text, *table;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "UnnO:name_mentions", &text, &lo, &hi, &table))
        return NULL;
    if (lo < 0 || hi > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "name_mentions: a range of the text");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    ClassCache cache;
    start_class_cache(&cache, table);
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = lo; out != NULL && i < hi;) {
        Py_ssize_t end = name_mention_end(&cache, kind, data, i, hi);
        PyObject *span = end > 0 ? ssize_pair(i, end) : NULL;
        if (end < 0 || (end > 0 && (span == NULL || PyList_Append(out, span) < 0)))
            Py_CLEAR(out);
        Py_XDECREF(span);
        i = end > 0 ? end : i + 1;
    }
    return out;
}

PyDoc_STRVAR(name_mentions_doc,
"name_mentions(text, lo, hi, classes) -> [(start, end)]\n\n"
"speakers._mention_spans_python: the spans of speakers._NAME_MENTION's matches in text[lo:hi]\n"
"(0 <= lo, hi <= len(text)); classes gives the TOKEN_* bits of a character beyond ASCII.");

/* ---- signature stage: RE2's byte offsets as code-point offsets (provenance/prescan.py) ----------
 * prescan._characters in C: a UTF-8 character starts at every byte that is not a continuation byte
 * (10xxxxxx), so the code points before a character boundary are the starting bytes before it. */

/* The bytes of bytes[from:to] that start a character, counted eight at a time where they can be. */
static Py_ssize_t character_starts(const unsigned char *bytes, Py_ssize_t from, Py_ssize_t to)
{
    Py_ssize_t count = 0;
    for (; from + 8 <= to; from += 8) {
        uint64_t word;
        memcpy(&word, bytes + from, 8);
        uint64_t continuation = (word >> 7) & ~(word >> 6) & 0x0101010101010101ULL;
        count += 8 - (Py_ssize_t)((continuation * 0x0101010101010101ULL) >> 56);  /* the bytes' sum */
    }
    for (; from < to; from++)
        count += (bytes[from] & 0xC0) != 0x80;
    return count;
}

static PyObject *utf8_offsets(PyObject *module, PyObject *args)
{
    Py_buffer data;
    PyObject *offsets;
    if (!PyArg_ParseTuple(args, "y*O!", &data, &PyList_Type, &offsets))
        return NULL;
    const unsigned char *bytes = data.buf;
    Py_ssize_t count = PyList_GET_SIZE(offsets), byte = 0, chars = 0;
    PyObject *out = PyList_New(count);
    for (Py_ssize_t i = 0; out != NULL && i < count; i++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(offsets, i));
        if (at == -1 && PyErr_Occurred()) {
            Py_CLEAR(out);
            break;
        }
        if (at < byte || at > data.len) {
            PyErr_SetString(PyExc_ValueError, "utf8_offsets: the offsets must ascend within the data");
            Py_CLEAR(out);
            break;
        }
        chars += character_starts(bytes, byte, at);
        byte = at;
        PyObject *value = PyLong_FromSsize_t(chars);
        if (value == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, value);
    }
    PyBuffer_Release(&data);
    return out;
}

PyDoc_STRVAR(utf8_offsets_doc,
"utf8_offsets(data, offsets) -> list\n\n"
"prescan._characters: the code-point offsets of ascending byte offsets, at character boundaries,\n"
"into the UTF-8 data.");

/* ---- signature stage: a line locator's matches line by line (provenance/engine.py) ----------
 * PrefilterEngine._lines_for's search loop, engine.python_line_firsts its reference: the locator's
 * search (prescan.span_search) is called as that loop calls it, and its answers read the same way. */

/* A (start, end) pair of ints (span, which may be NULL) into *start and *end: 0, or -1 and a TypeError
   saying `error` when it is no such pair. */
static int span_pair(PyObject *span, Py_ssize_t *start, Py_ssize_t *end, const char *error)
{
    if (span == NULL || !PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2) {
        PyErr_SetString(PyExc_TypeError, error);
        return -1;
    }
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
    return PyErr_Occurred() ? -1 : 0;
}

/* The first span search(data, pos, end) answers: its answer's first item, a pair of ints. */
static int located_span(PyObject *search, PyObject *data, Py_ssize_t pos, PyObject *end,
                        Py_ssize_t *start, Py_ssize_t *stop)
{
    PyObject *at = PyLong_FromSsize_t(pos);
    if (at == NULL)
        return -1;
    PyObject *args[3] = {data, at, end};
    PyObject *answer = PyObject_Vectorcall(search, args, 3, NULL);
    Py_DECREF(at);
    if (answer == NULL)
        return -1;
    PyObject *span = PyList_Check(answer) && PyList_GET_SIZE(answer) > 0 ? PyList_GET_ITEM(answer, 0) : NULL;
    int status = span_pair(span, start, stop,
                           "line_firsts: a search answers a list whose first item is a pair of ints");
    Py_DECREF(answer);
    return status;
}

/* bisect_right(starts, offset): the number of the line holding offset. */
static int line_of(PyObject *starts, Py_ssize_t offset, Py_ssize_t *number)
{
    Py_ssize_t low = 0, high = PyList_GET_SIZE(starts);
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        Py_ssize_t value = PyLong_AsSsize_t(PyList_GET_ITEM(starts, middle));
        if (value == -1 && PyErr_Occurred())
            return -1;
        if (offset < value)
            high = middle;
        else
            low = middle + 1;
    }
    *number = low;
    return 0;
}

static int put_first(PyObject *firsts, Py_ssize_t number, Py_ssize_t start, int alone)
{
    PyObject *key = PyLong_FromSsize_t(number), *value = PyTuple_New(2), *at = PyLong_FromSsize_t(start);
    int failed = key == NULL || value == NULL || at == NULL;
    if (!failed) {
        PyTuple_SET_ITEM(value, 0, at);
        PyTuple_SET_ITEM(value, 1, Py_NewRef(alone ? Py_True : Py_False));
        at = NULL;
        failed = PyDict_SetItem(firsts, key, value) < 0;
    }
    Py_XDECREF(key);
    Py_XDECREF(value);
    Py_XDECREF(at);
    return failed ? -1 : 0;
}

static PyObject *line_firsts(PyObject *module, PyObject *args)
{
    PyObject *search, *data, *starts, *end_object;
    Py_ssize_t pos, end;
    if (!PyArg_ParseTuple(args, "OO!O!nn", &search, &PyBytes_Type, &data, &PyList_Type, &starts, &pos, &end))
        return NULL;
    Py_ssize_t size = PyBytes_GET_SIZE(data), lines = PyList_GET_SIZE(starts);
    Py_ssize_t last_end = size - (size > 0 && PyBytes_AS_STRING(data)[size - 1] == '\n');
    PyObject *firsts = PyDict_New();
    end_object = firsts == NULL ? NULL : PyLong_FromSsize_t(end);
    if (end_object == NULL) {
        Py_XDECREF(firsts);
        return NULL;
    }
    const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(data);
    Py_ssize_t start, stop, number, next_line;
    int failed = located_span(search, data, pos, end_object, &start, &stop) < 0;
    while (!failed && start >= 0) {
        failed = line_of(starts, start, &number) < 0;
        if (!failed && (number == 0 || start > size)) {
            PyErr_SetString(PyExc_ValueError, "line_firsts: a match starts before the first line or past the data");
            failed = 1;
        }
        if (failed)
            break;
        next_line = number < lines ? PyLong_AsSsize_t(PyList_GET_ITEM(starts, number)) : size + 1;
        if (next_line == -1 && PyErr_Occurred()) {
            failed = 1;
            break;
        }
        if (stop <= next_line - 1 && stop <= last_end) {
            Py_ssize_t following, following_stop;
            failed = located_span(search, data, start + 1, end_object, &following, &following_stop) < 0;
            if (failed)
                break;
            int alone = !(start < following && following < next_line);
            Py_ssize_t base = PyLong_AsSsize_t(PyList_GET_ITEM(starts, number - 1));
            failed = (base == -1 && PyErr_Occurred())
                     || put_first(firsts, number, character_starts(bytes, base, start), alone) < 0;
            if (alone) {
                start = following;
                stop = following_stop;
                continue;
            }
        } else {
            failed = put_first(firsts, number, -1, 0) < 0;
        }
        if (failed || number == lines)
            break;
        failed = located_span(search, data, next_line, end_object, &start, &stop) < 0;
    }
    Py_DECREF(end_object);
    if (failed)
        Py_CLEAR(firsts);
    return firsts;
}

PyDoc_STRVAR(line_firsts_doc,
"line_firsts(search, data, starts, pos, end) -> dict\n\n"
"engine.python_line_firsts: by line number, where a line locator's first match found in the line\n"
"starts (code points from the line's start; -1: unknown) and whether it is alone there, its searches\n"
"made through search over data[pos:end] as that loop makes them; starts: the lines' byte offsets,\n"
"the first 0.");

/* ---- document lines (provenance/document.py) ----

   Document.lines' reference: one Line(number, start, end, text) for each of the document's line texts,
   numbered from 1, start and end the code-point offsets of its text, each line a newline after the one
   before. Made as plain_lines makes LineInfo objects: each field set in its slot, without running the
   dataclass's __init__ once per line of every document. */

#define DOCUMENT_LINE_FIELDS 4 /* document.Line's, in order */

static const char *document_line_field_names[DOCUMENT_LINE_FIELDS] = {"number", "start", "end", "text"};

/* Where the objects of cls hold each of Line's fields: a writable object slot, or a TypeError. The
   offsets of the last class asked about are kept (with a reference to it): it is always document.Line. */
static int document_line_offsets(PyTypeObject *cls, Py_ssize_t *offsets)
{
    static PyTypeObject *known_cls = NULL;
    static Py_ssize_t known_offsets[DOCUMENT_LINE_FIELDS];
    if (cls == known_cls) {
        memcpy(offsets, known_offsets, sizeof(known_offsets));
        return 0;
    }
    if (slot_offsets(cls, document_line_field_names, DOCUMENT_LINE_FIELDS, offsets, "document_lines", "line") < 0)
        return -1;
    Py_XSETREF(known_cls, (PyTypeObject *)Py_NewRef(cls));
    memcpy(known_offsets, offsets, sizeof(known_offsets));
    return 0;
}

/* The Line of one text: number, start and end are new references the line takes over. */
static PyObject *document_line(PyTypeObject *cls, const Py_ssize_t *offsets, Py_ssize_t number, Py_ssize_t start,
                               PyObject *text)
{
    PyObject *values[DOCUMENT_LINE_FIELDS] = {
        PyLong_FromSsize_t(number), PyLong_FromSsize_t(start),
        PyLong_FromSsize_t(start + PyUnicode_GET_LENGTH(text)), Py_NewRef(text),
    };
    PyObject *line = values[0] && values[1] && values[2] ? cls->tp_alloc(cls, 0) : NULL;
    if (line == NULL) {
        for (int i = 0; i < DOCUMENT_LINE_FIELDS; i++)
            Py_XDECREF(values[i]);
        return NULL;
    }
    for (int i = 0; i < DOCUMENT_LINE_FIELDS; i++)
        *(PyObject **)((char *)line + offsets[i]) = values[i];
    return line;
}

static PyObject *document_lines(PyObject *module, PyObject *args)
{
    PyObject *texts;
    PyTypeObject *cls;
    Py_ssize_t offsets[DOCUMENT_LINE_FIELDS];
    if (!PyArg_ParseTuple(args, "O!O!:document_lines", &PyList_Type, &texts, &PyType_Type, &cls)
        || document_line_offsets(cls, offsets) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(texts, i))) {
            PyErr_SetString(PyExc_TypeError, "document_lines: texts must be a list of str");
            return NULL;
        }
    PyObject *lines = PyList_New(n);
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; lines != NULL && i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        PyObject *line = document_line(cls, offsets, i + 1, start, text);
        if (line == NULL)
            Py_CLEAR(lines);
        else
            PyList_SET_ITEM(lines, i, line);
        start += PyUnicode_GET_LENGTH(text) + 1;
    }
    return lines;
}

PyDoc_STRVAR(document_lines_doc,
"document_lines(texts, cls) -> lines\n\n"
"Document.lines from its line texts: a cls (document.Line) object for each, with its 1-based number\n"
"and the code-point offsets of its text, the lines one newline apart.");

/* ---- signature stage: a signature's hits on the lines whose first locator match is alone ----
 * CopyStarts.line_hits (provenance/engine.py), engine.python_line_hits its reference: each line read
 * (not blank, within the limit) whose first match is alone and holds no fold is tried at that offset
 * by the signature's regex match, called as python_line_hits calls it; every other line, and one whose
 * try gives an empty match, is each_line's. Hits are made as Hit.__init__ makes them, slot by slot. */

#define HIT_FIELDS 5 /* matcher.Hit's, in order */

static const char *made_hit_field_names[HIT_FIELDS] = {"signature", "start", "end", "line", "end_line"};

/* A field of a Line (document_line_offsets' order): a borrowed reference, or NULL and an exception. */
static PyObject *line_field(PyObject *line, const Py_ssize_t *offsets, int field)
{
    PyObject *value = *(PyObject **)((char *)line + offsets[field]);
    if (value == NULL)
        PyErr_Format(PyExc_AttributeError, "line_hits: a line without its %s", document_line_field_names[field]);
    return value;
}

/* matcher.in_scope: the text is not blank and no longer than limit (0: any length). */
static bool in_scope(PyObject *text, Py_ssize_t limit)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (limit > 0 && n > limit)
        return false;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return true;
    return false;
}

/* time.monotonic(), the clock the deadlines are read from: by the public API from Python 3.13, which
   dropped the private one of 3.11 and 3.12. */
static int monotonic_seconds(double *now)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyTime_t ticks;
    if (PyTime_Monotonic(&ticks) < 0)
        return -1;
    *now = PyTime_AsSecondsDouble(ticks);
#else
    *now = _PyTime_AsSecondsDouble(_PyTime_GetMonotonicClock());
#endif
    return 0;
}

/* matcher.time_left: the seconds left before deadline (Py_None: no deadline, and None is given), or
   NULL and a TimeoutError once it has passed. */
static PyObject *time_left(PyObject *deadline)
{
    if (deadline == Py_None)
        return Py_NewRef(Py_None);
    double end = PyFloat_AsDouble(deadline), now;
    if ((end == -1.0 && PyErr_Occurred()) || monotonic_seconds(&now) < 0)
        return NULL;
    double left = end - now;
    if (left <= 0) {
        PyErr_SetString(PyExc_TimeoutError, "regex time limit reached");
        return NULL;
    }
    return PyFloat_FromDouble(left);
}

/* A line's first match alone, from firsts: 1 and its offset, 0 (not alone, not there), -1 (error). */
static int alone_first(PyObject *firsts, PyObject *number, PyObject **first)
{
    PyObject *got = PyDict_GetItemWithError(firsts, number);
    if (got == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyTuple_Check(got) || PyTuple_GET_SIZE(got) != 2) {
        PyErr_SetString(PyExc_TypeError, "line_hits: firsts holds (offset, alone) pairs");
        return -1;
    }
    *first = PyTuple_GET_ITEM(got, 0);
    return PyObject_IsTrue(PyTuple_GET_ITEM(got, 1));
}

/* Where behind (a leading lookbehind's match, or None) rejects the offset first: 1 rejected, 0 not, -1. */
static int behind_rejects(PyObject *behind, PyObject *text, Py_ssize_t first)
{
    if (behind == Py_None || first == 0)
        return 0;
    PyObject *before = PyLong_FromSsize_t(first - 1);
    if (before == NULL)
        return -1;
    PyObject *args[2] = {text, before};
    PyObject *run = PyObject_Vectorcall(behind, args, 2, NULL);
    Py_DECREF(before);
    if (run == NULL)
        return -1;
    int rejects = run != Py_None;
    Py_DECREF(run);
    return rejects;
}

/* match(text, first, None, None, False, time_left(deadline)): the match's span into *start, *end;
   1 matched, 0 not, -1 error. */
static int match_at(PyObject *match, PyObject *text, PyObject *first, PyObject *deadline, Py_ssize_t *start,
                    Py_ssize_t *end)
{
    PyObject *left = time_left(deadline);
    if (left == NULL)
        return -1;
    PyObject *args[6] = {text, first, Py_None, Py_None, Py_False, left};
    PyObject *m = PyObject_Vectorcall(match, args, 6, NULL);
    Py_DECREF(left);
    if (m == NULL || m == Py_None) {
        Py_XDECREF(m);
        return m == NULL ? -1 : 0;
    }
    static PyObject *span_name = NULL;
    if (span_name == NULL && (span_name = PyUnicode_InternFromString("span")) == NULL) {
        Py_DECREF(m);
        return -1;
    }
    PyObject *span = PyObject_VectorcallMethod(span_name, &m, 1, NULL);
    Py_DECREF(m);
    if (span == NULL)
        return -1;
    int status = span_pair(span, start, end, "line_hits: a match's span is a pair of ints");
    Py_DECREF(span);
    return status < 0 ? -1 : 1;
}

/* Hit(rule, start, end, number, number), appended to hits. */
static int add_hit(PyObject *hits, PyTypeObject *cls, const Py_ssize_t *offsets, PyObject *rule, Py_ssize_t start,
                   Py_ssize_t end, PyObject *number)
{
    PyObject *values[HIT_FIELDS] = {
        Py_NewRef(rule), PyLong_FromSsize_t(start), PyLong_FromSsize_t(end), Py_NewRef(number), Py_NewRef(number),
    };
    PyObject *hit = values[1] && values[2] ? cls->tp_alloc(cls, 0) : NULL;
    if (hit == NULL) {
        for (int i = 0; i < HIT_FIELDS; i++)
            Py_XDECREF(values[i]);
        return -1;
    }
    for (int i = 0; i < HIT_FIELDS; i++)
        *(PyObject **)((char *)hit + offsets[i]) = values[i];
    int failed = PyList_Append(hits, hit);
    Py_DECREF(hit);
    return failed;
}

/* each_line(line)'s hits, appended to hits. */
static int add_line_hits(PyObject *hits, PyObject *each_line, PyObject *line)
{
    PyObject *found = PyObject_CallOneArg(each_line, line);
    if (found == NULL)
        return -1;
    PyObject *all = PySequence_Fast(found, "line_hits: each_line gives a list of hits");
    Py_DECREF(found);
    if (all == NULL)
        return -1;
    int failed = 0;
    for (Py_ssize_t i = 0; !failed && i < PySequence_Fast_GET_SIZE(all); i++)
        failed = PyList_Append(hits, PySequence_Fast_ITEMS(all)[i]);
    Py_DECREF(all);
    return failed;
}

/* One line of line_hits: 0 done, -1 error. */
static int one_line_hits(PyObject *hits, PyObject *line, const Py_ssize_t *line_offsets, PyObject **context,
                         PyTypeObject *hit_cls, const Py_ssize_t *hit_offsets, Py_ssize_t limit)
{
    PyObject *match = context[0], *behind = context[1], *rule = context[2], *firsts = context[3],
             *fold_lines = context[4], *deadline = context[5], *each_line = context[6];
    PyObject *number = line_field(line, line_offsets, 0), *at = line_field(line, line_offsets, 1),
             *text = line_field(line, line_offsets, 3);
    if (number == NULL || at == NULL || text == NULL)
        return -1;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "line_hits: a line's text is a str");
        return -1;
    }
    if (!in_scope(text, limit))
        return 0;
    PyObject *first_object = NULL;
    int alone = alone_first(firsts, number, &first_object);
    int folded = alone > 0 ? PySet_Contains(fold_lines, number) : 0;
    if (alone < 0 || folded < 0)
        return -1;
    if (!alone || folded)
        return add_line_hits(hits, each_line, line);
    Py_ssize_t first = PyLong_AsSsize_t(first_object), line_start = PyLong_AsSsize_t(at), start, end;
    if ((first == -1 || line_start == -1) && PyErr_Occurred())
        return -1;
    int rejected = behind_rejects(behind, text, first);
    if (rejected != 0)
        return rejected < 0 ? -1 : 0;
    int matched = match_at(match, text, first_object, deadline, &start, &end);
    if (matched <= 0)
        return matched;
    if (end == first)
        return add_line_hits(hits, each_line, line);
    return end > start ? add_hit(hits, hit_cls, hit_offsets, rule, line_start + start, line_start + end, number) : 0;
}

static PyObject *line_hits(PyObject *module, PyObject *args)
{
    PyTypeObject *hit_cls;
    PyObject *match, *behind, *rule, *lines, *firsts, *fold_lines, *deadline, *each_line;
    Py_ssize_t limit, hit_offsets[HIT_FIELDS], line_offsets[DOCUMENT_LINE_FIELDS];
    if (!PyArg_ParseTuple(args, "O!OOOO!O!O!nOO:line_hits", &PyType_Type, &hit_cls, &match, &behind, &rule,
                          &PyList_Type, &lines, &PyDict_Type, &firsts, &PySet_Type, &fold_lines, &limit, &deadline,
                          &each_line)
        || slot_offsets(hit_cls, made_hit_field_names, HIT_FIELDS, hit_offsets, "line_hits", "hit") < 0)
        return NULL;
    PyObject *context[7] = {match, behind, rule, firsts, fold_lines, deadline, each_line};
    PyObject *hits = PyList_New(0);
    for (Py_ssize_t i = 0; hits != NULL && i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (document_line_offsets(Py_TYPE(line), line_offsets) < 0
            || one_line_hits(hits, line, line_offsets, context, hit_cls, hit_offsets, limit) < 0)
            Py_CLEAR(hits);
    }
    return hits;
}

PyDoc_STRVAR(line_hits_doc,
"line_hits(hit_cls, match, behind, rule, lines, firsts, fold_lines, limit, deadline, each_line) -> list\n\n"
"engine.python_line_hits: a line-scoped signature's hits (hit_cls objects) in lines, a line whose\n"
"first locator match is alone (firsts) tried there by match, the others given by each_line.");

/* ---- outlet names (provenance/outlets.py) ----

   outlets.name_key of an ASCII text: its runs of letters, digits and _ (page.line_key's \w+ there),
   lower-cased and joined by one space; None when that key is longer than limit characters, so a text
   is read only as far as a key can go (a head line tried as an outlet's name is often a paragraph).
   page.line_key is the reference; tests/test_outlets.py proves that both give the same keys. Called
   with METH_FASTCALL: it is asked once for each name looked up, and parsing an argument tuple would
   cost a fair share of a short name's key. */

#define NAME_KEY_STACK 256

/* The key of n ASCII characters into key (room for cap of them): its length, or -1 when it needs more. */
static Py_ssize_t ascii_name_key(const unsigned char *chars, Py_ssize_t n, char *key, Py_ssize_t cap)
{
    Py_ssize_t len = 0;
    bool gap = false;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = chars[i];
        if (!(ascii_class[c] & KEY_PART)) {
            gap = len > 0;
            continue;
        }
        if (len + gap >= cap)
            return -1;
        if (gap)
            key[len++] = ' ';
        key[len++] = (char)ascii_lower(c);
        gap = false;
    }
    return len;
}

static PyObject *ascii_key(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "ascii_key(text, limit): a str and an int");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t limit = PyLong_AsSsize_t(args[1]);
    if (limit == -1 && PyErr_Occurred())
        return NULL;
    if (!PyUnicode_IS_ASCII(text) || limit < 0) {
        PyErr_SetString(PyExc_ValueError, "ascii_key: the text must be ASCII and the limit not negative");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), cap = limit < n ? limit : n;  /* a key is never longer than its text */
    char stack[NAME_KEY_STACK];
    char *key = cap <= NAME_KEY_STACK ? stack : PyMem_Malloc(cap);
    if (key == NULL)
        return PyErr_NoMemory();
    Py_ssize_t len = ascii_name_key(PyUnicode_1BYTE_DATA(text), n, key, cap);
    PyObject *out = len < 0 ? Py_NewRef(Py_None) : key_str(key, len, true);
    if (key != stack)
        PyMem_Free(key);
    return out;
}

PyDoc_STRVAR(ascii_key_doc,
"ascii_key(text, limit) -> str | None\n\n"
"outlets.name_key of an ASCII text (page.line_key: its \\w+ runs, lower-cased, joined by one space),\n"
"or None when that key is longer than limit characters.");

/* ---- plumbing: report JSON (provenance/renderers/jsonout.py) ----

   render_line's fast path: a report's JSON as pydantic's model_dump_json writes it, read from the
   models' own fields in the order of a plan that jsonout.json_plan derives from the model classes:
   keys in field order, no spaces, strings with '"', '\\' and the C0 controls escaped (\b \f \n \r \t,
   the others as \u00xx) and every other character as UTF-8, floats as repr writes them. What the
   plan does not foresee (a value of another type, a float that repr writes with an exponent, inf or
   nan, an int beyond 64 bits, a lone surrogate, a field missing or one too many) makes model_json
   answer None, and the caller asks pydantic. */

enum { JSON_STR, JSON_INT, JSON_FLOAT, JSON_BOOL, JSON_LIST, JSON_OPTIONAL }; /* jsonout's kinds */
#define JSON_UNFORESEEN 1 /* a step's answer besides 0 (written) and -1 (a Python error) */

typedef struct {
    char *data;
    Py_ssize_t size, capacity;
} JsonOut;

static int json_reserve(JsonOut *out, Py_ssize_t more)
{
    if (out->size + more <= out->capacity)
        return 0;
    Py_ssize_t capacity = out->capacity * 2 > out->size + more ? out->capacity * 2 : out->size + more;
    char *data = PyMem_Realloc(out->data, capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->data = data;
    out->capacity = capacity;
    return 0;
}

static int json_put(JsonOut *out, const char *bytes, Py_ssize_t n)
{
    if (json_reserve(out, n) < 0)
        return -1;
    memcpy(out->data + out->size, bytes, n);
    out->size += n;
    return 0;
}

/* Where one character below U+0080 goes in a JSON string: as it is (0), or escaped by a backslash
   and this letter ('u': as \u00xx). */
static char json_escapes[128];

static void fill_json_escapes(void)
{
    for (int c = 0; c < 0x20; c++)
        json_escapes[c] = 'u';
    json_escapes['\b'] = 'b';
    json_escapes['\f'] = 'f';
    json_escapes['\n'] = 'n';
    json_escapes['\r'] = 'r';
    json_escapes['\t'] = 't';
    json_escapes['"'] = '"';
    json_escapes['\\'] = '\\';
}

static char *json_escaped(char *to, Py_UCS4 c)
{
    *to++ = '\\';
    *to++ = json_escapes[c];
    if (json_escapes[c] == 'u') {
        memcpy(to, "00", 2);
        to[2] = "0123456789abcdef"[c >> 4];
        to[3] = "0123456789abcdef"[c & 15];
        to += 4;
    }
    return to;
}

/* The UTF-8 of one character from U+0080 on, NULL for a lone surrogate (which UTF-8 cannot hold). */
static char *json_utf8(char *to, Py_UCS4 c)
{
    if (c < 0x800) {
        *to++ = (char)(0xC0 | (c >> 6));
    } else if (c >= 0xD800 && c <= 0xDFFF) {
        return NULL;
    } else if (c < 0x10000) {
        *to++ = (char)(0xE0 | (c >> 12));
        *to++ = (char)(0x80 | ((c >> 6) & 0x3F));
    } else {
        *to++ = (char)(0xF0 | (c >> 18));
        *to++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *to++ = (char)(0x80 | ((c >> 6) & 0x3F));
    }
    *to++ = (char)(0x80 | (c & 0x3F));
    return to;
}

/* The characters of one kind of str: runs of plain ASCII copied whole, the others one by one. */
#define JSON_CHARACTERS(CHAR_TYPE)                                                        \
    do {                                                                                  \
        const CHAR_TYPE *from = (const CHAR_TYPE *)PyUnicode_DATA(text);                  \
        for (Py_ssize_t i = 0; i < n && to != NULL; i++) {                                \
            Py_UCS4 c = from[i];                                                          \
            if (c >= 0x80)                                                                \
                to = json_utf8(to, c);                                                    \
            else if (json_escapes[c])                                                     \
                to = json_escaped(to, c);                                                 \
            else                                                                          \
                *to++ = (char)c;                                                          \
        }                                                                                 \
    } while (0)

static int json_string(JsonOut *out, PyObject *text)
{
    if (!PyUnicode_CheckExact(text))
        return JSON_UNFORESEEN;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (json_reserve(out, 6 * n + 2) < 0) /* \u00xx, the longest a character becomes */
        return -1;
    char *to = out->data + out->size;
    *to++ = '"';
    if (PyUnicode_IS_ASCII(text)) {
        const char *from = (const char *)PyUnicode_1BYTE_DATA(text);
        Py_ssize_t plain = 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (json_escapes[(unsigned char)from[i]]) {
                memcpy(to, from + plain, i - plain);
                to = json_escaped(to + (i - plain), (unsigned char)from[i]);
                plain = i + 1;
            }
        memcpy(to, from + plain, n - plain);
        to += n - plain;
    } else if (PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND) {
        JSON_CHARACTERS(Py_UCS1);
    } else if (PyUnicode_KIND(text) == PyUnicode_2BYTE_KIND) {
        JSON_CHARACTERS(Py_UCS2);
    } else {
        JSON_CHARACTERS(Py_UCS4);
    }
    if (to == NULL)
        return JSON_UNFORESEEN; /* a lone surrogate: pydantic raises, and so must the caller */
    *to++ = '"';
    out->size = to - out->data;
    return 0;
}

/* The decimal digits of a number below 2**63 in magnitude, as Python's str writes them. */
static int json_integer(JsonOut *out, long long number)
{
    char digits[24], *end = digits + sizeof(digits), *at = end;
    unsigned long long magnitude = number < 0 ? 0ULL - (unsigned long long)number : (unsigned long long)number;
    do {
        *--at = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (number < 0)
        *--at = '-';
    return json_put(out, at, end - at);
}

static int json_int(JsonOut *out, PyObject *value)
{
    if (!PyLong_CheckExact(value))
        return JSON_UNFORESEEN;
    int overflow;
    long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow)
        return JSON_UNFORESEEN;
    if (number == -1 && PyErr_Occurred())
        return -1;
    return json_integer(out, number);
}

/* A float as repr writes it, which pydantic does too where repr writes no exponent. A whole number
   below 1e15 is its digits and ".0" (0.0 and -0.0 keep their sign); any other, repr's own digits. */
static int json_float(JsonOut *out, PyObject *value)
{
    if (!PyFloat_CheckExact(value))
        return JSON_UNFORESEEN;
    double number = PyFloat_AS_DOUBLE(value);
    if (number > -1e15 && number < 1e15 && number == (double)(long long)number && number != 0.0)
        return json_integer(out, (long long)number) < 0 ? -1 : json_put(out, ".0", 2);
    char *repr = PyOS_double_to_string(number, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (repr == NULL)
        return -1;
    int done = strpbrk(repr, "eEin") != NULL ? JSON_UNFORESEEN : json_put(out, repr, (Py_ssize_t)strlen(repr));
    PyMem_Free(repr);
    return done;
}

static int json_value(JsonOut *out, PyObject *value, PyObject *kind, PyObject *plans);

/* A model: its class's plan is a tuple of (field name, kind) pairs, its fields the whole of its
   __dict__. The dict holds them in the plan's order where the model was made by pydantic or by
   report._unvalidated: each field is read from the next entry while that entry is the field's, looked
   up by name after a first entry that is not. */
static int json_model(JsonOut *out, PyObject *model, PyObject *cls, PyObject *plans)
{
    if ((PyObject *)Py_TYPE(model) != cls)
        return JSON_UNFORESEEN;
    PyObject *plan = PyDict_GetItemWithError(plans, cls);
    if (plan == NULL || !PyTuple_Check(plan))
        return PyErr_Occurred() ? -1 : JSON_UNFORESEEN;
    PyObject *fields = PyObject_GenericGetDict(model, NULL);
    if (fields == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(plan), next = 0;
    bool in_order = true;
    int done = PyDict_GET_SIZE(fields) == n ? json_put(out, "{", 1) : JSON_UNFORESEEN;
    for (Py_ssize_t i = 0; done == 0 && i < n; i++) {
        PyObject *step = PyTuple_GET_ITEM(plan, i), *name, *key, *value = NULL;
        if (!PyTuple_Check(step) || PyTuple_GET_SIZE(step) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(step, 0))) {
            done = JSON_UNFORESEEN;
            break;
        }
        name = PyTuple_GET_ITEM(step, 0);
        in_order = in_order && PyDict_Next(fields, &next, &key, &value)
                   && (key == name || (PyUnicode_CheckExact(key) && PyUnicode_Compare(key, name) == 0));
        value = in_order ? value : PyDict_GetItemWithError(fields, name);
        if (value == NULL) {
            done = PyErr_Occurred() ? -1 : JSON_UNFORESEEN;
            break;
        }
        Py_ssize_t length;
        const char *text = PyUnicode_AsUTF8AndSize(name, &length);
        done = text == NULL ? -1 : json_reserve(out, length + 4);
        if (done == 0) {
            char *to = out->data + out->size;
            if (i)
                *to++ = ',';
            *to++ = '"';
            memcpy(to, text, length);
            to += length;
            *to++ = '"';
            *to++ = ':';
            out->size = to - out->data;
            done = json_value(out, value, PyTuple_GET_ITEM(step, 1), plans);
        }
    }
    Py_DECREF(fields);
    return done ? done : json_put(out, "}", 1);
}

static int json_list(JsonOut *out, PyObject *list, PyObject *kind, PyObject *plans)
{
    if (!PyList_CheckExact(list))
        return JSON_UNFORESEEN;
    int done = json_put(out, "[", 1);
    for (Py_ssize_t i = 0; done == 0 && i < PyList_GET_SIZE(list); i++) {
        done = i ? json_put(out, ",", 1) : 0;
        done = done ? done : json_value(out, PyList_GET_ITEM(list, i), kind, plans);
    }
    return done ? done : json_put(out, "]", 1);
}

/* kind: a JSON_ code for a scalar, a (JSON_LIST or JSON_OPTIONAL, kind) pair, or a model class. */
static int json_value(JsonOut *out, PyObject *value, PyObject *kind, PyObject *plans)
{
    if (PyType_Check(kind))
        return json_model(out, value, kind, plans);
    if (PyTuple_Check(kind) && PyTuple_GET_SIZE(kind) == 2) {
        long code = PyLong_AsLong(PyTuple_GET_ITEM(kind, 0));
        if (code == JSON_OPTIONAL)
            return value == Py_None ? json_put(out, "null", 4) : json_value(out, value, PyTuple_GET_ITEM(kind, 1), plans);
        return code == JSON_LIST ? json_list(out, value, PyTuple_GET_ITEM(kind, 1), plans) : JSON_UNFORESEEN;
    }
    switch (PyLong_AsLong(kind)) {
    case JSON_STR:
        return json_string(out, value);
    case JSON_INT:
        return json_int(out, value);
    case JSON_FLOAT:
        return json_float(out, value);
    case JSON_BOOL:
        return value == Py_True ? json_put(out, "true", 4) : value == Py_False ? json_put(out, "false", 5) : JSON_UNFORESEEN;
    default:
        return PyErr_Occurred() ? -1 : JSON_UNFORESEEN;
    }
}

static PyObject *utf8_str(const char *data, Py_ssize_t size)
{
    return PyUnicode_DecodeUTF8(data, size, NULL);
}

/* A model's JSON line, as made from its UTF-8 by `made` (a str or bytes), or None where the plan
   does not foresee a value. */
static PyObject *json_line(PyObject *args, const char *format, PyObject *(*made)(const char *, Py_ssize_t))
{
    PyObject *model, *plans;
    if (!PyArg_ParseTuple(args, format, &model, &PyDict_Type, &plans))
        return NULL;
    JsonOut out = {NULL, 0, 0};
    int done = json_reserve(&out, 4096);
    done = done ? done : json_model(&out, model, (PyObject *)Py_TYPE(model), plans);
    done = done ? done : json_put(&out, "\n", 1);
    PyObject *line = done == 0 ? made(out.data, out.size) : NULL;
    PyMem_Free(out.data);
    if (done == JSON_UNFORESEEN)
        Py_RETURN_NONE;
    return line;
}

static PyObject *model_json(PyObject *module, PyObject *args)
{
    return json_line(args, "OO!:model_json", utf8_str);
}

/* jsonout.render_line_bytes's fast path: the line as the UTF-8 it is built in, for a run that writes
   only lines (the writer would otherwise encode again the str that model_json decodes). */
static PyObject *model_json_bytes(PyObject *module, PyObject *args)
{
    return json_line(args, "OO!:model_json_bytes", PyBytes_FromStringAndSize);
}

PyDoc_STRVAR(model_json_bytes_doc,
"model_json_bytes(model, plans) -> bytes | None\n\n"
"model_json's line encoded as UTF-8 (built as such, never made a str); None where model_json's is.");

PyDoc_STRVAR(model_json_doc,
"model_json(model, plans) -> str | None\n\n"
"jsonout.render_line's line for a model (its model_dump_json() and a newline), read by plans\n"
"(jsonout.json_plan: each model class's fields in order, with what each holds); None where the\n"
"model holds what the plans do not foresee, for pydantic to write.");

/* ---- plumbing: report models built without validation (provenance/report.py) ----

   report._unvalidated's fast path: an instance of a pydantic model class as object.__new__ makes it,
   holding the given dict of fields as its __dict__ and the given set as its fields-set, with neither
   extra nor private values, each set where it lives rather than through four attribute writes.
   The three slots are pydantic's BaseModel's, where every model class holds them. */

#define MODEL_SLOTS 3

static const char *model_slot_names[MODEL_SLOTS] = {
    "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__",
};

/* The offsets of the three slots in objects of cls: those of the class that defines them, found once,
   for any class derived from it. */
static int model_slot_offsets(PyTypeObject *cls, Py_ssize_t *offsets)
{
    static PyTypeObject *owner = NULL;
    static Py_ssize_t known[MODEL_SLOTS];
    if (owner != NULL && PyType_IsSubtype(cls, owner)) {
        memcpy(offsets, known, sizeof(known));
        return 0;
    }
    PyObject *descr = PyObject_GetAttrString((PyObject *)cls, model_slot_names[0]);
    if (descr == NULL)
        return -1;
    PyTypeObject *defined_in = Py_IS_TYPE(descr, &PyMemberDescr_Type) ? ((PyDescrObject *)descr)->d_type : NULL;
    Py_DECREF(descr);
    if (defined_in == NULL || slot_offsets(defined_in, model_slot_names, MODEL_SLOTS, offsets, "unvalidated_model",
                                           "model") < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "unvalidated_model: not a pydantic model class");
        return -1;
    }
    Py_XSETREF(owner, (PyTypeObject *)Py_NewRef(defined_in));
    memcpy(known, offsets, sizeof(known));
    return 0;
}

/* A model of class cls with the dict `fields` and the fields-set `fields_set`, its other pydantic
   slots None, as unvalidated_model makes it (a new reference, or NULL). */
static PyObject *model_from_fields(PyTypeObject *cls, const Py_ssize_t *offsets, PyObject *fields,
                                   PyObject *fields_set)
{
    PyObject *no_args = PyTuple_New(0);
    PyObject *model = no_args != NULL ? PyBaseObject_Type.tp_new(cls, no_args, NULL) : NULL;
    Py_XDECREF(no_args);
    if (model == NULL || PyObject_GenericSetDict(model, fields, NULL) < 0) {
        Py_XDECREF(model);
        return NULL;
    }
    PyObject *values[MODEL_SLOTS] = {fields_set, Py_None, Py_None};
    for (int i = 0; i < MODEL_SLOTS; i++)
        Py_XSETREF(*(PyObject **)((char *)model + offsets[i]), Py_NewRef(values[i]));
    return model;
}

static PyObject *unvalidated_model(PyObject *module, PyObject *args)
{
    PyTypeObject *cls;
    PyObject *fields, *fields_set;
    Py_ssize_t offsets[MODEL_SLOTS];
    if (!PyArg_ParseTuple(args, "O!O!O!:unvalidated_model", &PyType_Type, &cls, &PyDict_Type, &fields, &PySet_Type,
                          &fields_set)
        || model_slot_offsets(cls, offsets) < 0)
        return NULL;
    return model_from_fields(cls, offsets, fields, fields_set);
}

PyDoc_STRVAR(unvalidated_model_doc,
"unvalidated_model(cls, fields, fields_set) -> model\n\n"
"report._unvalidated: an instance of the pydantic model class cls holding the dict fields as they\n"
"are and the set fields_set as its fields-set, with no extra or private values.");

/* ---- attribution: the speaker phrase beside a speech verb (provenance/speakers.py) -------------
   SpeakerFinder._phrase_before_python and _phrase_after_python (with _walk_left, _appositive_before,
   _validated and _ends_phrase) are the reference, used when this module is missing;
   tests/test_attribution.py proves that both give the same phrases. The words are those of
   speakers._tokens_python; the word lists are the lexicons' sets (speakers.Lexicons.phrase_words, in
   the order of PHRASE_* below), asked of each word's lowercase form (str.lower) once a call. */

enum {
    PHRASE_ADVERB, PHRASE_PRONOUN, PHRASE_DETERMINER, PHRASE_LINK, PHRASE_ROLE, PHRASE_NOT_NAME,
    PHRASE_PREPOSITION, PHRASE_CONNECTOR, PHRASE_STOP, PHRASE_CLAUSE_OPENER, PHRASE_BARE_HEAD, PHRASE_ORDINAL,
    PHRASE_SETS
};

/* speakers.MAX_LOWERCASE_AFTER and MAX_HEADED_AFTER */
enum { MAX_LOWERCASE_AFTER = 3, MAX_HEADED_AFTER = 5 };

typedef struct {
    Py_ssize_t start, end;
    int sets;  /* bit k: the word's lowercase form is in word set k; -1 until asked */
} PhraseWord;

typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t length;
    PyObject *sets[PHRASE_SETS];
    ClassCache cache;
    PhraseWord *words;
    Py_ssize_t n, capacity;
} Phrase;

#define PHRASE_CHAR(p, i) PyUnicode_READ((p)->kind, (p)->data, (i))

/* regex's \s (the White_Space property): Python's whitespace but the separators U+001C..U+001F. */
static bool is_white_space(Py_UCS4 c)
{
    return Py_UNICODE_ISSPACE(c) && !(c >= 0x1C && c <= 0x1F);
}

/* The classes (TOKEN_* bits) of the character at i; an error is left set for the caller to find. */
static int phrase_classes(Phrase *p, Py_ssize_t i)
{
    int classes = char_classes(&p->cache, PHRASE_CHAR(p, i));
    return classes < 0 ? 0 : classes;
}

/* speakers._INITIALS in full over text[i:j]: (?:\p{L}\.)+ */
static bool phrase_initials(Phrase *p, Py_ssize_t i, Py_ssize_t j)
{
    if (j == i || (j - i) % 2)
        return false;
    for (Py_ssize_t k = i; k < j; k += 2)
        if (!(phrase_classes(p, k) & TOKEN_LETTER) || PHRASE_CHAR(p, k + 1) != '.')
            return false;
    return true;
}

/* speakers._SHORT_ABBREVIATION in full over text[i:j]: \p{Lu}\p{Ll}{0,3}\. */
static bool phrase_short_abbreviation(Phrase *p, Py_ssize_t i, Py_ssize_t j)
{
    if (j - i < 2 || j - i > 5 || !(phrase_classes(p, i) & TOKEN_UPPER) || PHRASE_CHAR(p, j - 1) != '.')
        return false;
    for (Py_ssize_t k = i + 1; k < j - 1; k++)
        if (!(phrase_classes(p, k) & TOKEN_LOWER))
            return false;
    return true;
}

/* The words of text[lo:hi] (speakers._tokens_python) into p->words; -1 on an error. */
static int read_phrase_words(Phrase *p, Py_ssize_t lo, Py_ssize_t hi)
{
    p->n = 0;
    for (Py_ssize_t i = lo; i < hi && !PyErr_Occurred();) {
        if (!(phrase_classes(p, i) & (TOKEN_LETTER | TOKEN_NUMBER))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < hi && (token_inner_mark(PHRASE_CHAR(p, j)) || (phrase_classes(p, j) & (TOKEN_LETTER | TOKEN_NUMBER))))
            j++;
        Py_ssize_t end = j;
        if (PHRASE_CHAR(p, j - 1) == '.' && !phrase_initials(p, i, j) && !phrase_short_abbreviation(p, i, j))
            while (PHRASE_CHAR(p, end - 1) == '.')
                end--;
        if (p->n == p->capacity) {
            Py_ssize_t capacity = p->capacity ? 2 * p->capacity : 32;
            PhraseWord *grown = PyMem_Realloc(p->words, capacity * sizeof *grown);
            if (grown == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            p->words = grown;
            p->capacity = capacity;
        }
        p->words[p->n++] = (PhraseWord){i, end, -1};
        i = j;
    }
    return PyErr_Occurred() ? -1 : 0;
}

/* str.lower of text[start:end]: in C for ASCII. */
static PyObject *lowered_text(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    Py_UCS4 widest = 0;
    for (Py_ssize_t i = start; i < end; i++)
        widest |= PyUnicode_READ(kind, data, i);
    if (widest < 128) {
        PyObject *lower = PyUnicode_New(end - start, 127);
        if (lower != NULL)
            for (Py_ssize_t i = start; i < end; i++)
                PyUnicode_1BYTE_DATA(lower)[i - start] = (Py_UCS1)ascii_lower(PyUnicode_READ(kind, data, i));
        return lower;
    }
    PyObject *word = PyUnicode_Substring(text, start, end);
    PyObject *lower = word == NULL ? NULL : PyObject_CallMethod(word, "lower", NULL);
    Py_XDECREF(word);
    return lower;
}

/* Whether word k's lowercase form is in the word set `set`; an error is left set for the caller. */
static bool in_set(Phrase *p, Py_ssize_t k, int set)
{
    PhraseWord *w = &p->words[k];
    if (w->sets < 0) {
        PyObject *lower = lowered_text(p->text, p->kind, p->data, w->start, w->end);
        w->sets = 0;
        for (int s = 0; lower != NULL && s < PHRASE_SETS; s++) {
            int found = PySet_Contains(p->sets[s], lower);
            if (found > 0)
                w->sets |= 1 << s;
        }
        Py_XDECREF(lower);
    }
    return (w->sets >> set) & 1;
}

/* Token.capitalised: the word's first character is uppercase (str.isupper). */
static bool capitalised(const Phrase *p, Py_ssize_t k)
{
    return Py_UNICODE_ISUPPER(PHRASE_CHAR(p, p->words[k].start));
}

/* str.islower of the word: a cased character, and none uppercase or titlecase. */
static bool all_lowercase(const Phrase *p, Py_ssize_t k)
{
    bool cased = false;
    for (Py_ssize_t i = p->words[k].start; i < p->words[k].end; i++) {
        Py_UCS4 c = PHRASE_CHAR(p, i);
        if (Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISTITLE(c))
            return false;
        cased = cased || Py_UNICODE_ISLOWER(c);
    }
    return cased;
}

/* speakers._possessive: the word ends in ’s, 's, ’ or '. */
static bool possessive_word(const Phrase *p, Py_ssize_t k)
{
    Py_ssize_t start = p->words[k].start, end = p->words[k].end;
    Py_UCS4 last = PHRASE_CHAR(p, end - 1);
    if (last == 's' && end - start >= 2)
        last = PHRASE_CHAR(p, end - 2);
    return last == 0x2019 || last == '\'';
}

/* Whether only spaces, tabs and no-break spaces (one at least) lie between text[from:to]. */
static bool spaces_only(const Phrase *p, Py_ssize_t from, Py_ssize_t to)
{
    if (from >= to)
        return false;
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 c = PHRASE_CHAR(p, i);
        if (c != ' ' && c != '\t' && c != 0xA0)
            return false;
    }
    return true;
}

/* speakers._joined: only spaces between words a and b. */
static bool joined_words(const Phrase *p, Py_ssize_t a, Py_ssize_t b)
{
    return spaces_only(p, p->words[a].end, p->words[b].start);
}

static bool name_word(Phrase *p, Py_ssize_t k)
{
    return capitalised(p, k) && !in_set(p, k, PHRASE_NOT_NAME) && !in_set(p, k, PHRASE_PREPOSITION);
}

static bool phrase_word(Phrase *p, Py_ssize_t k)
{
    return name_word(p, k) || (all_lowercase(p, k) && !in_set(p, k, PHRASE_NOT_NAME) && !in_set(p, k, PHRASE_STOP)
                               && !in_set(p, k, PHRASE_DETERMINER));
}

/* The span of words a..b into *span. */
static bool phrase_span(const Phrase *p, Py_ssize_t a, Py_ssize_t b, Py_ssize_t *span)
{
    span[0] = p->words[a].start;
    span[1] = p->words[b].end;
    return true;
}

/* SpeakerFinder._validated of words a..b (none when b < a). */
static bool validated_phrase(Phrase *p, Py_ssize_t a, Py_ssize_t b, Py_ssize_t *span)
{
    if (b >= a && in_set(p, b, PHRASE_BARE_HEAD)) {
        Py_ssize_t k = a;
        while (k <= b && all_lowercase(p, k))
            k++;
        if (k > b)
            return phrase_span(p, a, b, span);
    }
    while (a <= b && !(in_set(p, a, PHRASE_DETERMINER) || name_word(p, a) || in_set(p, a, PHRASE_ROLE)))
        a++;
    while (a <= b && in_set(p, a, PHRASE_CONNECTOR) && !in_set(p, a, PHRASE_DETERMINER))
        a++;
    if (a > b || (a == b && in_set(p, a, PHRASE_DETERMINER)))
        return false;
    bool determined = in_set(p, a, PHRASE_DETERMINER);
    if (!determined && all_lowercase(p, b) && !in_set(p, b, PHRASE_ROLE) && !in_set(p, b, PHRASE_BARE_HEAD))
        return false;
    if (determined && !capitalised(p, b) && a == b)
        return false;
    return phrase_span(p, a, b, span);
}

/* SpeakerFinder._walk_left from word i. */
static bool walk_left(Phrase *p, Py_ssize_t i, bool participle, Py_ssize_t *span)
{
    if (!phrase_word(p, i) || possessive_word(p, i))
        return false;
    Py_ssize_t first = i, j = i - 1;
    int lowercase_run = 0;
    while (j >= 0 && joined_words(p, j, j + 1) && i - j < 8) {
        if (in_set(p, j, PHRASE_DETERMINER)) {
            if (j >= 2 && in_set(p, j - 1, PHRASE_LINK) && joined_words(p, j - 1, j) && phrase_word(p, j - 2)
                && joined_words(p, j - 2, j - 1)) {
                first = j - 2;
                j -= 3;
                continue;
            }
            first = j;
            break;
        }
        if (name_word(p, j) || in_set(p, j, PHRASE_ROLE))
            lowercase_run = 0;
        else if (in_set(p, j, PHRASE_CONNECTOR) && j > 0 && capitalised(p, j - 1))
            ;
        else if (all_lowercase(p, j) && lowercase_run < 2 && !in_set(p, j, PHRASE_STOP))
            lowercase_run++;
        else
            break;
        first = j--;
    }
    if (first > 0 && joined_words(p, first - 1, first)) {
        if (in_set(p, first - 1, PHRASE_PREPOSITION) || (participle && !in_set(p, first - 1, PHRASE_CLAUSE_OPENER)))
            return false;
    }
    return validated_phrase(p, first, i, span);
}

/* Whether text[from:to] with Python's whitespace stripped is empty (want == 0) or the one character want. */
static bool stripped_is(const Phrase *p, Py_ssize_t from, Py_ssize_t to, Py_UCS4 want)
{
    while (from < to && Py_UNICODE_ISSPACE(PHRASE_CHAR(p, from)))
        from++;
    while (to > from && Py_UNICODE_ISSPACE(PHRASE_CHAR(p, to - 1)))
        to--;
    return want == 0 ? from == to : to - from == 1 && PHRASE_CHAR(p, from) == want;
}

/* speakers._ASIDE_OPENER at the start of word k: \p{Ll}|\p{N}|[RDI]-\p{Lu} */
static bool opens_aside(Phrase *p, Py_ssize_t k)
{
    Py_ssize_t start = p->words[k].start, end = p->words[k].end;
    if (phrase_classes(p, start) & (TOKEN_LOWER | TOKEN_NUMBER))
        return true;
    Py_UCS4 first = PHRASE_CHAR(p, start);
    return (first == 'R' || first == 'D' || first == 'I') && start + 2 < end && PHRASE_CHAR(p, start + 1) == '-'
           && (phrase_classes(p, start + 2) & TOKEN_UPPER);
}

static bool aside_breaker(Py_UCS4 c)
{
    return c == 0x201C || c == 0x201D || c == '"' || c == 0x2018 || c == 0x2019 || c == 0x00AB || c == 0x00BB
           || c == '.';
}

/* The last ',' in text[lo:hi], -1 for none (str.rfind). */
static Py_ssize_t last_comma(const Phrase *p, Py_ssize_t lo, Py_ssize_t hi)
{
    for (Py_ssize_t i = hi - 1; i >= lo; i--)
        if (PHRASE_CHAR(p, i) == ',')
            return i;
    return -1;
}

/* SpeakerFinder._appositive_before over the words read. */
static bool appositive_before(Phrase *p, Py_ssize_t pos, Py_ssize_t floor, Py_ssize_t *span)
{
    if (p->n == 0 || !stripped_is(p, p->words[p->n - 1].end, pos, ','))
        return false;
    Py_ssize_t lo = Py_MAX(floor, pos - 100);
    for (Py_ssize_t comma = last_comma(p, lo, p->words[p->n - 1].start); comma >= 0;
         comma = last_comma(p, lo, comma)) {
        for (Py_ssize_t i = comma; i < pos; i++)
            if (aside_breaker(PHRASE_CHAR(p, i)))
                return false;
        Py_ssize_t inner = 0, following = 0;
        while (inner < p->n && p->words[inner].end <= comma)
            inner++;
        while (following < p->n && p->words[following].start <= comma)
            following++;
        bool aside = following < p->n && (opens_aside(p, following) || possessive_word(p, following));
        if (inner > 0 && aside && stripped_is(p, p->words[inner - 1].end, comma, 0))
            return walk_left(p, inner - 1, false, span) && name_word(p, inner - 1);
    }
    return false;
}

/* speakers._TRAILING_PARENTHESIS searched for in text[lo:pos]: where its match starts, pos for none.
   The match ends in a ')' with only spaces after it, the '(' the last before it. */
static Py_ssize_t before_parenthesis(const Phrase *p, Py_ssize_t lo, Py_ssize_t pos)
{
    Py_ssize_t close = pos;
    while (close > lo && is_white_space(PHRASE_CHAR(p, close - 1)))
        close--;
    if (--close < lo || PHRASE_CHAR(p, close) != ')')
        return pos;
    Py_ssize_t open = close - 1;
    for (Py_UCS4 c; open >= lo && close - open <= 31; open--)
        if ((c = PHRASE_CHAR(p, open)) == '(' || c == ')' || c == 0x201C || c == 0x201D || c == '"')
            break;
    if (open < lo || close - open > 31 || close - open < 2 || PHRASE_CHAR(p, open) != '(')
        return pos;
    while (open > lo && is_white_space(PHRASE_CHAR(p, open - 1)))
        open--;
    return open;
}

/* speakers._LEAD_IN in full over text[from:to], with no comma: [\s;:—–-]* */
static bool lead_in_without_comma(const Phrase *p, Py_ssize_t from, Py_ssize_t to)
{
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 c = PHRASE_CHAR(p, i);
        if (!(is_white_space(c) || c == ';' || c == ':' || c == 0x2014 || c == 0x2013 || c == '-'))
            return false;
    }
    return true;
}

/* SpeakerFinder._phrase_before_python. */
static bool phrase_before_words(Phrase *p, Py_ssize_t pos, Py_ssize_t floor, bool participle, Py_ssize_t *span)
{
    pos = before_parenthesis(p, Py_MAX(floor, pos - 40), pos);
    if (read_phrase_words(p, Py_MAX(floor, pos - 120), pos) < 0)
        return false;
    if (p->n == 0 || !lead_in_without_comma(p, p->words[p->n - 1].end, pos))
        return appositive_before(p, pos, floor, span);
    Py_ssize_t i = p->n - 1;
    for (int skipped = 0; i >= 0 && in_set(p, i, PHRASE_ADVERB) && skipped < 3; i--, skipped++)
        if (i == 0 || !joined_words(p, i - 1, i))
            return false;
    if (i < 0)
        return false;
    if (in_set(p, i, PHRASE_PRONOUN))
        return phrase_span(p, i, i, span);
    return walk_left(p, i, participle, span);
}

/* SpeakerFinder._ends_phrase: punctuation, the limit or a stop word after word k - 1. */
static bool ends_phrase(Phrase *p, Py_ssize_t k, Py_ssize_t limit)
{
    Py_ssize_t i = p->words[k - 1].end, hi = Py_MIN(limit, i + 2);
    while (i < hi && PHRASE_CHAR(p, i) == ' ')
        i++;
    if (i >= hi)
        return true;
    switch (PHRASE_CHAR(p, i)) {
    case '.': case ',': case ';': case ':': case '!': case '?': case 0x2014: case 0x2013: case ')': case '(':
    case '\n': case 0x201C: case 0x201D: case '"': case 0x2018: case 0x2019:
        return true;
    default:
        return k < p->n && in_set(p, k, PHRASE_STOP);
    }
}

/* SpeakerFinder._ordinal: a word of the ordinals, or one opening with a digit that is not lowercase. */
static bool ordinal_word(Phrase *p, Py_ssize_t k)
{
    return in_set(p, k, PHRASE_ORDINAL)
           || (Py_UNICODE_ISDIGIT(PHRASE_CHAR(p, p->words[k].start)) && !all_lowercase(p, k));
}

/* SpeakerFinder._phrase_after_python. */
static bool phrase_after_words(Phrase *p, Py_ssize_t pos, Py_ssize_t limit, Py_ssize_t *span)
{
    if (read_phrase_words(p, pos, Py_MIN(limit, pos + 120)) < 0 || p->n == 0
        || !spaces_only(p, pos, p->words[0].start))
        return false;
    if (in_set(p, 0, PHRASE_PRONOUN))
        return ends_phrase(p, 1, limit) && phrase_span(p, 0, 0, span);
    Py_ssize_t last = -1;
    int lowercase_run = 0;
    bool unheaded = false;  /* words read that a role, an unnamed source or a name must close */
    for (Py_ssize_t k = 0; k < p->n; k++) {
        if (k && !joined_words(p, k - 1, k))
            break;
        if (k == 0 && in_set(p, k, PHRASE_DETERMINER))
            continue;
        if (name_word(p, k) || in_set(p, k, PHRASE_ROLE)) {
            last = k;
            lowercase_run = 0;
            unheaded = false;
        } else if (in_set(p, k, PHRASE_CONNECTOR) && k + 1 < p->n && capitalised(p, k + 1) && last >= 0) {
            continue;
        } else if (k == 1 && in_set(p, 0, PHRASE_DETERMINER) && ordinal_word(p, k)) {
            last = k;
            unheaded = true;
        } else if (all_lowercase(p, k) && lowercase_run < MAX_HEADED_AFTER && !in_set(p, k, PHRASE_STOP)
                   && !in_set(p, k, PHRASE_NOT_NAME)) {
            lowercase_run++;
            last = k;
            unheaded = unheaded || lowercase_run > MAX_LOWERCASE_AFTER;
        } else {
            break;
        }
    }
    if (last < 0 || !ends_phrase(p, last + 1, limit))
        return false;
    if (unheaded && !in_set(p, last, PHRASE_ROLE) && !in_set(p, last, PHRASE_BARE_HEAD))
        return false;
    return validated_phrase(p, 0, last, span);
}

/* The arguments common to both readers: the text, the word sets and the character table. */
static bool open_phrase(Phrase *p, PyObject *text, PyObject *sets, PyObject *table)
{
    if (!PyTuple_Check(sets) || PyTuple_GET_SIZE(sets) != PHRASE_SETS) {
        PyErr_SetString(PyExc_TypeError, "speaker phrase: a tuple of the lexicons' word sets");
        return false;
    }
    for (int s = 0; s < PHRASE_SETS; s++)
        if (!PyAnySet_Check(p->sets[s] = PyTuple_GET_ITEM(sets, s))) {
            PyErr_SetString(PyExc_TypeError, "speaker phrase: word sets");
            return false;
        }
    p->text = text;
    p->kind = PyUnicode_KIND(text);
    p->data = PyUnicode_DATA(text);
    p->length = PyUnicode_GET_LENGTH(text);
    start_class_cache(&p->cache, table);
    p->words = NULL;
    p->n = p->capacity = 0;
    return true;
}

/* The span found as (start, end), None for none, NULL on an error. */
static PyObject *phrase_result(Phrase *p, bool found, const Py_ssize_t *span)
{
    PyMem_Free(p->words);
    if (PyErr_Occurred())
        return NULL;
    return found ? ssize_pair(span[0], span[1]) : Py_NewRef(Py_None);
}

static PyObject *speaker_before(PyObject *module, PyObject *args)
{
    PyObject *text, *sets, *table;
    Py_ssize_t pos, floor, span[2];
    int participle;
    Phrase p;
    if (!PyArg_ParseTuple(args, "UnnpOO:speaker_before", &text, &pos, &floor, &participle, &sets, &table)
        || !open_phrase(&p, text, sets, table))
        return NULL;
    if (floor < 0 || pos < 0 || pos > p.length) {
        PyErr_SetString(PyExc_ValueError, "speaker_before: positions in the text");
        return NULL;
    }
    return phrase_result(&p, phrase_before_words(&p, pos, floor, participle, span), span);
}

PyDoc_STRVAR(speaker_before_doc,
"speaker_before(text, pos, floor, participle, sets, classes) -> (start, end) | None\n\n"
"SpeakerFinder._phrase_before_python: the speaker phrase ending before pos (0 <= floor, pos <= len(text));\n"
"sets are speakers.Lexicons.phrase_words, classes the TOKEN_* bits of a character beyond ASCII.");

static PyObject *speaker_after(PyObject *module, PyObject *args)
{
    PyObject *text, *sets, *table;
    Py_ssize_t pos, limit, span[2];
    Phrase p;
    if (!PyArg_ParseTuple(args, "UnnOO:speaker_after", &text, &pos, &limit, &sets, &table)
        || !open_phrase(&p, text, sets, table))
        return NULL;
    if (pos < 0 || pos > p.length) {
        PyErr_SetString(PyExc_ValueError, "speaker_after: a position in the text");
        return NULL;
    }
    return phrase_result(&p, phrase_after_words(&p, pos, Py_MIN(limit, p.length), span), span);
}

PyDoc_STRVAR(speaker_after_doc,
"speaker_after(text, pos, limit, sets, classes) -> (start, end) | None\n\n"
"SpeakerFinder._phrase_after_python: the speaker phrase starting after pos (0 <= pos <= len(text)),\n"
"read up to limit; sets and classes as for speaker_before.");

/* ---- the speaker after a quotation (SpeakerFinder._after_python, with _open_ended,
   _closes_sentence and _name_before_aside): the cues are the document's speech verbs and source
   phrases, as the lists of their starts and ends (_Cues.bounds), never overlapping. */

typedef struct {
    PyObject *verb_starts, *verb_ends, *according_starts, *according_ends;
} CueBounds;

static Py_ssize_t bound_at(PyObject *list, Py_ssize_t k)
{
    return PyLong_AsSsize_t(PyList_GET_ITEM(list, k));
}

/* The first cue starting at or after lo and ending by hi (_Cues._within's first), -1 for none. */
static Py_ssize_t first_cue(PyObject *starts, PyObject *ends, Py_ssize_t lo, Py_ssize_t hi)
{
    Py_ssize_t a = 0, b = PyList_GET_SIZE(starts);
    while (a < b) {
        Py_ssize_t mid = a + (b - a) / 2;
        if (bound_at(starts, mid) < lo)
            a = mid + 1;
        else
            b = mid;
    }
    return a < PyList_GET_SIZE(starts) && bound_at(starts, a) < hi && bound_at(ends, a) <= hi ? a : -1;
}

/* _Cues.any_in */
static bool any_cue(const CueBounds *cues, Py_ssize_t lo, Py_ssize_t hi)
{
    return first_cue(cues->verb_starts, cues->verb_ends, lo, hi) >= 0
           || first_cue(cues->according_starts, cues->according_ends, lo, hi) >= 0;
}

/* A character of speakers._LEAD_IN: [\s,;:—–-] */
static bool lead_in_char(Py_UCS4 c)
{
    return is_white_space(c) || c == ',' || c == ';' || c == ':' || c == 0x2014 || c == 0x2013 || c == '-';
}

/* SpeakerFinder._open_ended: the quotation's words (text[start:close]) end, closing marks aside, on a
   mark that leaves its sentence open (speakers._OPEN_ENDED; or on nothing), or a comma or a dash
   (or nothing) follows its closing mark. */
static bool open_ended(const Phrase *p, Py_ssize_t start, Py_ssize_t close)
{
    Py_ssize_t end = close;
    for (Py_UCS4 c; end > start && ((c = PHRASE_CHAR(p, end - 1)) == ' ' || c == '\'' || c == '"' || c == 0x2019
                                    || c == 0x201D);)
        end--;
    if (end <= start)
        return true;
    switch (PHRASE_CHAR(p, end - 1)) {
    case ',': case '!': case '?': case 0x2014: case 0x2013: case '-': case 0x2026: case ':': case ';':
        return true;
    }
    if (close + 1 >= p->length)
        return true;
    Py_UCS4 next = PHRASE_CHAR(p, close + 1);
    return next == ',' || next == 0x2014 || next == 0x2013;
}

/* A character of a word of speakers._CLOSING_SENTENCE: [\p{L}.’'-] */
static bool closing_word_char(Phrase *p, Py_ssize_t i)
{
    Py_UCS4 c = PHRASE_CHAR(p, i);
    return c == '.' || c == 0x2019 || c == '\'' || c == '-' || (phrase_classes(p, i) & TOKEN_LETTER);
}

#define CLOSING_REACH 60  /* the characters after the verb SpeakerFinder._closes_sentence reads */

/* SpeakerFinder._closes_sentence: speakers._CLOSING_SENTENCE matches at pos, in the next 60
   characters of the paragraph. Every way of its words is followed: `reach` holds where up to k
   words can end. */
static bool closes_sentence(Phrase *p, Py_ssize_t pos, Py_ssize_t para_end)
{
    Py_ssize_t n = Py_MIN(para_end, pos + CLOSING_REACH) - pos;
    bool reach[CLOSING_REACH + 1] = {true}, next[CLOSING_REACH + 1];
    for (int k = 0; k <= 6 && n > 0; k++) {
        bool any = false;
        memset(next, 0, sizeof next);
        for (Py_ssize_t q = 0; q <= n; q++) {
            if (!reach[q])
                continue;
            Py_ssize_t r = q;
            while (r < n && is_white_space(PHRASE_CHAR(p, pos + r)))
                r++;
            Py_UCS4 c = r < n ? PHRASE_CHAR(p, pos + r) : 0;
            if (c == '.' || c == '!' || c == '?')
                return true;
            for (Py_ssize_t w = r; r > q && w < n && closing_word_char(p, pos + w); w++)
                any = next[w + 1] = true;
        }
        if (!any)
            return false;
        memcpy(reach, next, sizeof reach);
    }
    return false;
}

/* speakers._ASIDE after the comma at `comma`, in full to `to`: a comma, one to 120 characters but
   quotation marks and newlines, a comma, spaces, then up to two lowercase words each followed by spaces. */
static bool aside_to(Phrase *p, Py_ssize_t comma, Py_ssize_t to)
{
    for (Py_ssize_t second = comma + 2; second < to && second - comma - 1 <= 120; second++) {
        Py_UCS4 c = PHRASE_CHAR(p, second - 1);
        if (c == 0x201C || c == 0x201D || c == '"' || c == 0x2018 || c == 0x2019 || c == 0x00AB || c == 0x00BB
            || c == '\n')
            return false;
        if (PHRASE_CHAR(p, second) != ',')
            continue;
        Py_ssize_t i = second + 1;
        while (i < to && is_white_space(PHRASE_CHAR(p, i)))
            i++;
        for (int word = 0; word < 2 && i < to; word++) {
            Py_ssize_t j = i;
            while (j < to && (phrase_classes(p, j) & TOKEN_LOWER))
                j++;
            Py_ssize_t k = j;
            while (k < to && is_white_space(PHRASE_CHAR(p, k)))
                k++;
            if (j == i || k == j)
                break;
            i = k;
        }
        if (i == to)
            return true;
    }
    return false;
}

/* SpeakerFinder._name_before_aside: a name from lead to a comma opening an aside that runs to the verb. */
static bool name_before_aside(Phrase *p, Py_ssize_t lead, Py_ssize_t verb, Py_ssize_t *span)
{
    Py_ssize_t comma = lead;
    while (comma < verb && PHRASE_CHAR(p, comma) != ',')
        comma++;
    if (comma >= verb || !aside_to(p, comma, verb) || read_phrase_words(p, lead, comma) < 0 || p->n == 0
        || p->words[0].start != lead)
        return false;
    for (Py_ssize_t k = 0; k < p->n; k++)
        if (!(name_word(p, k) || in_set(p, k, PHRASE_ROLE)) || (k > 0 && !joined_words(p, k - 1, k)))
            return false;
    return name_word(p, p->n - 1) && phrase_span(p, 0, p->n - 1, span);
}

/* Whether the cue text[start:end] ends in "ing" (a participle: saying, adding). */
static bool participle_at(const Phrase *p, Py_ssize_t start, Py_ssize_t end)
{
    return end - start >= 3 && PHRASE_CHAR(p, end - 3) == 'i' && PHRASE_CHAR(p, end - 2) == 'n'
           && PHRASE_CHAR(p, end - 1) == 'g';
}

/* SpeakerFinder._after_python */
static bool after_quotation(Phrase *p, const CueBounds *cues, Py_ssize_t start, Py_ssize_t close, Py_ssize_t para_end,
                            Py_ssize_t window, Py_ssize_t *span)
{
    if (!any_cue(cues, close + 1, para_end))
        return false;
    Py_ssize_t lead = close + 1;
    while (lead < para_end && lead_in_char(PHRASE_CHAR(p, lead)))
        lead++;
    Py_ssize_t limit = Py_MIN(para_end, lead + window);
    Py_ssize_t according = first_cue(cues->according_starts, cues->according_ends, lead, limit);
    if (according >= 0 && bound_at(cues->according_starts, according) == lead)
        return phrase_after_words(p, bound_at(cues->according_ends, according), para_end, span);
    Py_ssize_t verb = first_cue(cues->verb_starts, cues->verb_ends, lead, limit);
    if (verb < 0)
        return false;
    Py_ssize_t verb_start = bound_at(cues->verb_starts, verb), verb_end = bound_at(cues->verb_ends, verb);
    if (!open_ended(p, start, close) && !closes_sentence(p, verb_end, para_end))
        return false;
    if (verb_start == lead)  /* ``said Wang``; never ``, saying they…`` (the subject of what follows) */
        return !participle_at(p, verb_start, verb_end) && phrase_after_words(p, verb_end, para_end, span);
    if (phrase_before_words(p, verb_start, lead, false, span) && span[0] == lead)
        return true;
    return name_before_aside(p, lead, verb_start, span);
}

static PyObject *speaker_after_quotation(PyObject *module, PyObject *args)
{
    PyObject *text, *sets, *table;
    CueBounds cues;
    Py_ssize_t start, close, para_end, window, span[2];
    Phrase p;
    if (!PyArg_ParseTuple(args, "UnnnO!O!O!O!nOO:speaker_after_quotation", &text, &start, &close, &para_end,
                          &PyList_Type, &cues.verb_starts, &PyList_Type, &cues.verb_ends, &PyList_Type,
                          &cues.according_starts, &PyList_Type, &cues.according_ends, &window, &sets, &table)
        || !open_phrase(&p, text, sets, table))
        return NULL;
    if (!(0 <= start && start <= close && close < para_end && para_end <= p.length)
        || PyList_GET_SIZE(cues.verb_starts) != PyList_GET_SIZE(cues.verb_ends)
        || PyList_GET_SIZE(cues.according_starts) != PyList_GET_SIZE(cues.according_ends)) {
        PyErr_SetString(PyExc_ValueError, "speaker_after_quotation: a quotation in the text, cues' starts and ends");
        return NULL;
    }
    return phrase_result(&p, after_quotation(&p, &cues, start, close, para_end, window, span), span);
}

PyDoc_STRVAR(speaker_after_quotation_doc,
"speaker_after_quotation(text, start, close, para_end, verb_starts, verb_ends, according_starts,\n"
"                        according_ends, window, sets, classes) -> (start, end) | None\n\n"
"SpeakerFinder._after_python: the speaker after the quotation whose words run from start to its closing\n"
"mark at close (0 <= start <= close < para_end <= len(text)), its paragraph ending at para_end; the\n"
"cues' starts and ends are _Cues.bounds, window speakers.WINDOW; sets and classes as for speaker_before.");

/* ---- where a sentence ends (_Cues._last_end_python, with SpeakerFinder.sentence_start): a period
   ending no abbreviation (speakers._ABBREVIATIONS, or a capital alone), ! ? or …, then closing
   marks and spaces before a capital or a digit (speakers._SENTENCE_END). */

static bool sentence_closer(Py_UCS4 c)
{
    return c == 0x201D || c == 0x2019 || c == '"' || c == '\'' || c == ')' || c == ']';
}

static bool sentence_opener(Py_UCS4 c)
{
    return c == 0x201C || c == 0x2018 || c == '"' || c == '\'' || c == '(' || c == '[';
}

/* regex's \b before the word character at i: none before it, or one that is not \w. */
static bool word_boundary_before(Phrase *p, Py_ssize_t i)
{
    return i == 0 || !(phrase_classes(p, i - 1) & TOKEN_WORD);
}

/* Whether the period at `mark` ends an abbreviation: a capital alone, or one of `abbreviations`
   (str, each opening with a letter), as whole words. */
static bool ends_abbreviation(Phrase *p, Py_ssize_t mark, PyObject *abbreviations)
{
    if (mark >= 1 && (phrase_classes(p, mark - 1) & TOKEN_UPPER) && word_boundary_before(p, mark - 1))
        return true;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(abbreviations); k++) {
        PyObject *word = PyTuple_GET_ITEM(abbreviations, k);
        Py_ssize_t start = mark - PyUnicode_GET_LENGTH(word);
        if (start >= 0 && PyUnicode_Tailmatch(p->text, word, start, mark, 1) == 1 && word_boundary_before(p, start))
            return true;
    }
    return false;
}

/* The end of speakers._SENTENCE_END's match at `mark`, reading no further than stop; -1 for none. */
static Py_ssize_t sentence_end_at(Phrase *p, Py_ssize_t mark, Py_ssize_t stop, PyObject *abbreviations)
{
    Py_UCS4 c = PHRASE_CHAR(p, mark);
    if (c == '.' ? ends_abbreviation(p, mark, abbreviations) : c != '!' && c != '?' && c != 0x2026)
        return -1;
    Py_ssize_t i = mark + 1;
    while (i < stop && sentence_closer(PHRASE_CHAR(p, i)))
        i++;
    Py_ssize_t spaces = i;
    while (i < stop && is_white_space(PHRASE_CHAR(p, i)))
        i++;
    if (i == spaces || i >= stop)
        return -1;
    Py_ssize_t next = sentence_opener(PHRASE_CHAR(p, i)) ? i + 1 : i;
    return next < stop && (phrase_classes(p, next) & (TOKEN_UPPER | TOKEN_NUMBER)) ? i : -1;
}

/* _Cues._last_end_python: where the last sentence ending in lo..pos ends, -1 for none. */
static Py_ssize_t last_sentence_end(Phrase *p, Py_ssize_t lo, Py_ssize_t pos, PyObject *abbreviations)
{
    Py_ssize_t stop = Py_MIN(pos + 2, p->length), run = lo;
    while (run > 0 && (sentence_closer(PHRASE_CHAR(p, run - 1)) || is_white_space(PHRASE_CHAR(p, run - 1))))
        run--;
    for (Py_ssize_t mark = stop - 1; mark >= Py_MAX(0, run - 1); mark--) {
        Py_UCS4 c = PHRASE_CHAR(p, mark);
        if (c != '.' && c != '!' && c != '?' && c != 0x2026)
            continue;
        Py_ssize_t end = sentence_end_at(p, mark, stop, abbreviations);
        if (end >= 0 && end <= pos)
            return end >= lo ? end : -1;
    }
    return -1;
}

/* SpeakerFinder.sentence_start: the start of the sentence holding pos, no further back than floor
   or twice the window. */
static Py_ssize_t sentence_start(Phrase *p, Py_ssize_t pos, Py_ssize_t floor, Py_ssize_t window,
                                 PyObject *abbreviations)
{
    Py_ssize_t lo = Py_MAX(floor, pos - window * 2), end = last_sentence_end(p, lo, pos, abbreviations);
    return end < 0 ? lo : end;
}

static bool read_abbreviations(PyObject *abbreviations)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(abbreviations); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(abbreviations, k))) {
            PyErr_SetString(PyExc_TypeError, "abbreviations: a tuple of str");
            return false;
        }
    return true;
}

static PyObject *sentence_end(PyObject *module, PyObject *args)
{
    PyObject *text, *abbreviations, *table;
    Py_ssize_t lo, pos;
    Phrase p;
    if (!PyArg_ParseTuple(args, "UnnO!O:sentence_end", &text, &lo, &pos, &PyTuple_Type, &abbreviations, &table)
        || !read_abbreviations(abbreviations))
        return NULL;
    if (lo < 0 || pos < 0 || lo > PyUnicode_GET_LENGTH(text) || pos > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "sentence_end: positions in the text");
        return NULL;
    }
    p.text = text;
    p.kind = PyUnicode_KIND(text);
    p.data = PyUnicode_DATA(text);
    p.length = PyUnicode_GET_LENGTH(text);
    start_class_cache(&p.cache, table);
    Py_ssize_t end = last_sentence_end(&p, lo, pos, abbreviations);
    if (PyErr_Occurred())
        return NULL;
    return end < 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(end);
}

PyDoc_STRVAR(sentence_end_doc,
"sentence_end(text, lo, pos, abbreviations, classes) -> int | None\n\n"
"_Cues._last_end_python: where the last sentence ending in lo..pos ends (0 <= lo, pos <= len(text));\n"
"abbreviations is speakers._ABBREVIATIONS, classes the TOKEN_* bits of a character beyond ASCII.");

/* ---- the speaker before a quotation, in its sentence (SpeakerFinder._before_python, with
   subject_of_sentence). */

/* Where the cues starting at or after lo and ending by hi lie: [*first, return) (_Cues._within). */
static Py_ssize_t cues_within(PyObject *starts, PyObject *ends, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t *first)
{
    Py_ssize_t n = PyList_GET_SIZE(starts), a = 0, b = n, c = 0, d = n, e = 0, f = n;
    while (a < b) {  /* bisect_left(starts, lo) */
        Py_ssize_t mid = a + (b - a) / 2;
        if (bound_at(starts, mid) < lo) a = mid + 1; else b = mid;
    }
    while (c < d) {  /* bisect_left(starts, hi) */
        Py_ssize_t mid = c + (d - c) / 2;
        if (bound_at(starts, mid) < hi) c = mid + 1; else d = mid;
    }
    while (e < f) {  /* bisect_right(ends, hi) */
        Py_ssize_t mid = e + (f - e) / 2;
        if (bound_at(ends, mid) <= hi) e = mid + 1; else f = mid;
    }
    *first = a;
    return Py_MIN(c, e);
}

/* Whether a verb starting at `at` lies inside one of the n quotations (start, end pairs) of `quoted`. */
static bool inside_quoted(const Py_ssize_t *quoted, Py_ssize_t n, Py_ssize_t at)
{
    for (Py_ssize_t k = 0; k < n; k++)
        if (quoted[2 * k] <= at && at < quoted[2 * k + 1])
            return true;
    return false;
}

/* SpeakerFinder.subject_of_sentence: a name or pronoun opening the sentence (from lo, after a short
   opening phrase) before its own verb, the subject of a participle at `verb`. */
static bool subject_of_sentence(Phrase *p, Py_ssize_t lo, Py_ssize_t verb, Py_ssize_t *span)
{
    Py_ssize_t comma = lo, reach = Py_MIN(verb, lo + 40);
    while (comma < reach && PHRASE_CHAR(p, comma) != ',')
        comma++;
    Py_ssize_t start = comma < reach ? comma + 1 : lo;
    while (start < verb && lead_in_char(PHRASE_CHAR(p, start)))
        start++;
    if (read_phrase_words(p, start, verb) < 0 || p->n == 0 || p->words[0].start != start)
        return false;
    if (in_set(p, 0, PHRASE_PRONOUN))
        return p->n > 1 && all_lowercase(p, 1) && phrase_span(p, 0, 0, span);
    Py_ssize_t k = 0;
    while (k < p->n && (name_word(p, k) || in_set(p, k, PHRASE_ROLE)) && (k == 0 || joined_words(p, k - 1, k)))
        k++;
    if (k == 0 || k >= p->n || !name_word(p, k - 1) || !all_lowercase(p, k))
        return false;
    if (!joined_words(p, k - 1, k) || in_set(p, k, PHRASE_STOP))
        return false;
    return phrase_span(p, 0, k - 1, span);
}

/* SpeakerFinder._before_python */
static bool before_quotation(Phrase *p, const CueBounds *cues, Py_ssize_t open, Py_ssize_t floor, const Py_ssize_t *quoted,
                             Py_ssize_t n_quoted, PyObject *abbreviations, Py_ssize_t window, Py_ssize_t verbs_back,
                             Py_ssize_t *span)
{
    if (!any_cue(cues, Py_MAX(floor, open - window * 2), open))
        return false;
    Py_ssize_t lo = sentence_start(p, open, floor, window, abbreviations);
    Py_ssize_t first_according, end_according = cues_within(cues->according_starts, cues->according_ends, lo, open,
                                                           &first_according);
    Py_ssize_t first_verb, verb = cues_within(cues->verb_starts, cues->verb_ends, lo, open, &first_verb);
    Py_ssize_t picked[8], n_picked = 0;  /* the last verbs outside the quotations, the last first */
    while (--verb >= first_verb && n_picked < Py_MIN(verbs_back, 8))
        if (!inside_quoted(quoted, n_quoted, bound_at(cues->verb_starts, verb)))
            picked[n_picked++] = verb;
    if (end_according > first_according) {
        Py_ssize_t according = end_according - 1;
        if (n_picked == 0 || bound_at(cues->according_starts, according) > bound_at(cues->verb_starts, picked[0]))
            return phrase_after_words(p, bound_at(cues->according_ends, according), open, span);
    }
    for (Py_ssize_t k = 0; k < n_picked; k++) {
        Py_ssize_t verb_start = bound_at(cues->verb_starts, picked[k]), verb_end = bound_at(cues->verb_ends, picked[k]);
        bool participle = participle_at(p, verb_start, verb_end);
        if (phrase_before_words(p, verb_start, lo, participle, span)
            || (verb_start == lo && phrase_after_words(p, verb_end, open, span))
            || (participle && subject_of_sentence(p, lo, verb_start, span)))
            return true;
    }
    return false;
}

static PyObject *speaker_before_quotation(PyObject *module, PyObject *args)
{
    PyObject *text, *quoted, *abbreviations, *sets, *table;
    CueBounds cues;
    Py_ssize_t open, floor, window, verbs_back, span[2];
    Phrase p;
    if (!PyArg_ParseTuple(args, "UnnO!O!O!O!O!O!nnOO:speaker_before_quotation", &text, &open, &floor, &PyTuple_Type,
                          &quoted, &PyList_Type, &cues.verb_starts, &PyList_Type, &cues.verb_ends, &PyList_Type,
                          &cues.according_starts, &PyList_Type, &cues.according_ends, &PyTuple_Type, &abbreviations,
                          &window, &verbs_back, &sets, &table)
        || !read_abbreviations(abbreviations) || !open_phrase(&p, text, sets, table))
        return NULL;
    Py_ssize_t n_quoted = PyTuple_GET_SIZE(quoted), *spans = PyMem_Malloc((2 * n_quoted + 1) * sizeof *spans);
    if (spans == NULL)
        return PyErr_NoMemory();
    bool pairs = true;
    for (Py_ssize_t k = 0; pairs && k < n_quoted; k++) {
        PyObject *pair = PyTuple_GET_ITEM(quoted, k);
        pairs = PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2
                && PyArg_ParseTuple(pair, "nn", &spans[2 * k], &spans[2 * k + 1]);
    }
    if (!(0 <= floor && 0 <= open && open <= p.length) || !pairs || verbs_back < 1 || verbs_back > 8
        || PyList_GET_SIZE(cues.verb_starts) != PyList_GET_SIZE(cues.verb_ends)
        || PyList_GET_SIZE(cues.according_starts) != PyList_GET_SIZE(cues.according_ends)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError,
                        "speaker_before_quotation: positions in the text, (start, end) pairs, 1 to 8 verbs back, cues");
        PyMem_Free(spans);
        return NULL;
    }
    bool found = before_quotation(&p, &cues, open, floor, spans, n_quoted, abbreviations, window, verbs_back, span);
    PyMem_Free(spans);
    return phrase_result(&p, found, span);
}

PyDoc_STRVAR(speaker_before_quotation_doc,
"speaker_before_quotation(text, open, floor, quoted, verb_starts, verb_ends, according_starts, according_ends,\n"
"                         abbreviations, window, verbs_back, sets, classes) -> (start, end) | None\n\n"
"SpeakerFinder._before_python: the speaker before the quotation opening at open, in its sentence (from\n"
"SpeakerFinder.sentence_start), the paragraph starting at floor; quoted the (start, end) spans of the\n"
"earlier quotations of the paragraph; abbreviations speakers._ABBREVIATIONS; verbs_back\n"
"speakers.MAX_VERBS_BACK (1 to 8); the rest as for speaker_after_quotation.");

/* ---- a document's quotations given the speakers beside them (attribution._attribute_python, with
   _attribute_by_cues, _quoted_before and SpeakerFinder.sentence_before and dash_after). */

/* SpeakerFinder.sentence_before: ``…, Schiff said. “…”``, the quotation opening a sentence right
   after one ending on its attribution. */
static bool sentence_before(Phrase *p, const CueBounds *cues, Py_ssize_t open, Py_ssize_t floor,
                            PyObject *abbreviations, Py_ssize_t window, Py_ssize_t *span)
{
    Py_ssize_t tail_end = open - 1, from = Py_MAX(floor, open - 4);
    while (tail_end >= from && PHRASE_CHAR(p, tail_end) != '.')
        tail_end--;
    if (tail_end < from)
        return false;
    Py_ssize_t first, verb = cues_within(cues->verb_starts, cues->verb_ends, Py_MAX(floor, tail_end - 60), tail_end,
                                         &first) - 1;
    if (verb < first)
        return false;
    if (sentence_start(p, open, floor, window, abbreviations) != open)
        return false;
    Py_ssize_t verb_start = bound_at(cues->verb_starts, verb), verb_end = bound_at(cues->verb_ends, verb);
    Py_ssize_t trailing = tail_end;  /* where speakers._TRAILING_WORDS finds the spaces before the period */
    while (trailing > verb_end && is_white_space(PHRASE_CHAR(p, trailing - 1)))
        trailing--;
    if (!(phrase_after_words(p, verb_end, tail_end + 1, span) && span[1] == trailing)
        && !(trailing == verb_end && phrase_before_words(p, verb_start, Py_MAX(floor, tail_end - 80), false, span)))
        return false;
    Py_ssize_t before = Py_MAX(floor, span[0] - 2);
    return before < span[0] && PHRASE_CHAR(p, before) == ',';
}

/* SpeakerFinder.dash_after: ``”― Pamela Padilla``, one to four capitalised words after a dash, alone
   to the paragraph's end (speakers._DASH_SIGNATURE). */
static bool dash_after(Phrase *p, Py_ssize_t close, Py_ssize_t para_end, Py_ssize_t *span)
{
    Py_ssize_t i = close + 1;
    while (i < para_end && is_white_space(PHRASE_CHAR(p, i)))
        i++;
    Py_UCS4 dash = i < para_end ? PHRASE_CHAR(p, i) : 0;
    if (dash != 0x2015 && dash != 0x2014 && dash != 0x2013)
        return false;
    for (i++; i < para_end && is_white_space(PHRASE_CHAR(p, i));)
        i++;
    Py_ssize_t first = i, last = i;
    for (int words = 0; i < para_end; words++) {
        if (words == 4 || !(phrase_classes(p, i) & TOKEN_UPPER))
            return false;
        for (i++; i < para_end && closing_word_char(p, i);)
            i++;
        last = i;
        if (i < para_end && !is_white_space(PHRASE_CHAR(p, i)))
            return false;
        while (i < para_end && is_white_space(PHRASE_CHAR(p, i)))
            i++;
    }
    if (last == first)
        return false;
    span[0] = first;
    span[1] = last;
    return true;
}

/* A quotation as attribution._attribute reads it: its words, marks and paragraph, and the paragraph before. */
typedef struct {
    Py_ssize_t start, end, open, close;  /* close -1: left open at the paragraph's end */
    Py_ssize_t para, para_start, para_end, prior_start, prior_end;
} Quotation;

enum { HOW_NONE, HOW_AFTER, HOW_BEFORE, HOW_PREVIOUS, HOW_DASH, HOW_COLON };
static const char *const how_names[] = {"", "after", "before", "previous", "dash", "colon"};

/* Whether the paragraph before ends on a colon (in its last 8 characters, spaces aside). */
static bool prior_ends_in_colon(const Phrase *p, const Quotation *q)
{
    Py_ssize_t end = q->prior_end, from = Py_MAX(q->prior_start, q->prior_end - 8);
    while (end > from && Py_UNICODE_ISSPACE(PHRASE_CHAR(p, end - 1)))
        end--;
    return end > from && PHRASE_CHAR(p, end - 1) == ':';
}

/* The speaker of quotation n (into span) and how it was found, the last way tried if none was. */
static int attribute_quotation(Phrase *p, const CueBounds *cues, const Quotation *quotes, Py_ssize_t n, bool cued,
                               PyObject *abbreviations, Py_ssize_t window, Py_ssize_t verbs_back, Py_ssize_t *span,
                               bool *found)
{
    const Quotation *q = &quotes[n];
    int how = HOW_NONE;
    *found = false;
    if (cued) {
        if (q->close >= 0) {
            how = HOW_AFTER;
            *found = after_quotation(p, cues, q->start, q->close, q->para_end, window, span);
        }
        if (!*found) {
            Py_ssize_t quoted[8], n_quoted = 0;  /* _quoted_before: the (up to four) quotations before in the paragraph */
            for (Py_ssize_t k = Py_MAX(0, n - 4); k < n; k++)
                if (quotes[k].para == q->para) {
                    quoted[2 * n_quoted] = quotes[k].start;
                    quoted[2 * n_quoted++ + 1] = quotes[k].end;
                }
            how = HOW_BEFORE;
            *found = before_quotation(p, cues, q->open, q->para_start, quoted, n_quoted, abbreviations, window,
                                      verbs_back, span);
        }
        if (!*found && !PyErr_Occurred()) {
            how = HOW_PREVIOUS;
            *found = sentence_before(p, cues, q->open, q->para_start, abbreviations, window, span);
        }
    }
    if (!*found && q->close >= 0) {
        how = HOW_DASH;
        *found = dash_after(p, q->close, q->para_end, span);
    }
    if (!*found && q->para > 0 && stripped_is(p, q->para_start, q->open, 0) && prior_ends_in_colon(p, q)) {
        how = HOW_COLON;
        *found = before_quotation(p, cues, q->prior_end, q->prior_start, NULL, 0, abbreviations, window, verbs_back,
                                  span);
    }
    return how;
}

/* (how, (start, end)) for a speaker found, else (how, None): how's name made once. */
static PyObject *attributed(int how, bool found, const Py_ssize_t *span)
{
    static PyObject *how_strings[sizeof how_names / sizeof *how_names];
    if (how_strings[how] == NULL && (how_strings[how] = PyUnicode_InternFromString(how_names[how])) == NULL)
        return NULL;
    PyObject *where = found ? ssize_pair(span[0], span[1]) : Py_NewRef(Py_None);
    PyObject *item = where == NULL ? NULL : PyTuple_Pack(2, how_strings[how], where);
    Py_XDECREF(where);
    return item;
}

/* How attribution._Found objects are read: their classes (_Found, quotes.RawQuote, _Paragraph) and
   the offsets of the slots read, and the paragraphs' offsets (for the one before each). */
typedef struct {
    PyTypeObject *found, *raw, *para;
    Py_ssize_t found_at[2], raw_at[4], para_at[3];
    PyObject *paras;
} FoundSlots;

static const char *const found_slot_names[2] = {"raw", "para"};
static const char *const raw_slot_names[4] = {"start", "end", "open", "close"};
static const char *const para_slot_names[3] = {"index", "start", "end"};
static const char *const scare_found_slot_names[2] = {"raw", "speaker"};

static int found_slots(FoundSlots *s)
{
    bool read = slot_offsets(s->found, found_slot_names, 2, s->found_at, "attribute_quotations", "found") == 0
                && slot_offsets(s->raw, raw_slot_names, 4, s->raw_at, "attribute_quotations", "raw quote") == 0
                && slot_offsets(s->para, para_slot_names, 3, s->para_at, "attribute_quotations", "paragraph") == 0;
    return read ? 0 : -1;
}

/* The int in an object's slot at offset into *out: false, with an error set, for anything else. */
static bool read_slot_ssize(PyObject *obj, Py_ssize_t offset, Py_ssize_t *out)
{
    PyObject *value = *(PyObject **)((char *)obj + offset);
    if (value == NULL || !PyLong_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "a quotation's offsets are ints");
        return false;
    }
    *out = PyLong_AsSsize_t(value);
    return !(*out == -1 && PyErr_Occurred());
}

/* A quotation as attribution._quotation makes it of a _Found (its words, marks, paragraph and the
   paragraph before), read from the slots, in the text of the given length. */
static bool read_quotation(const FoundSlots *s, PyObject *item, Py_ssize_t length, Quotation *q)
{
    PyObject *raw = Py_IS_TYPE(item, s->found) ? *(PyObject **)((char *)item + s->found_at[0]) : NULL;
    PyObject *para = raw != NULL ? *(PyObject **)((char *)item + s->found_at[1]) : NULL;
    if (raw == NULL || para == NULL || !Py_IS_TYPE(raw, s->raw) || !Py_IS_TYPE(para, s->para)) {
        PyErr_SetString(PyExc_TypeError, "attribute_quotations: quotations of the classes given");
        return false;
    }
    PyObject *close = *(PyObject **)((char *)raw + s->raw_at[3]);
    q->close = -1;
    if (!read_slot_ssize(raw, s->raw_at[0], &q->start) || !read_slot_ssize(raw, s->raw_at[1], &q->end)
        || !read_slot_ssize(raw, s->raw_at[2], &q->open) || close == NULL
        || (close != Py_None && !read_slot_ssize(raw, s->raw_at[3], &q->close))
        || !read_slot_ssize(para, s->para_at[0], &q->para) || !read_slot_ssize(para, s->para_at[1], &q->para_start)
        || !read_slot_ssize(para, s->para_at[2], &q->para_end))
        return false;
    Py_ssize_t prior[2] = {0, 0};
    if (q->para > 0 && (q->para > PyList_GET_SIZE(s->paras)
                        || !read_ssizes(PyList_GET_ITEM(s->paras, q->para - 1), 2, prior, 2)))
        return false;
    q->prior_start = prior[0];
    q->prior_end = prior[1];
    return 0 <= q->para_start && q->para_start <= q->open && q->open < q->start && q->start <= q->end
           && q->end <= q->para_end && q->para_end <= length && (q->close < 0 || (q->end == q->close && q->close < q->para_end))
           && (q->para == 0 || (0 <= q->prior_start && q->prior_start <= q->prior_end && q->prior_end <= q->para_start));
}

static PyObject *attribute_quotations(PyObject *module, PyObject *args)
{
    PyObject *text, *items, *abbreviations, *sets, *table;
    FoundSlots slots;
    CueBounds cues;
    Py_ssize_t window, verbs_back, span[2];
    Phrase p;
    if (!PyArg_ParseTuple(args, "UO!O!O!O!O!O!O!O!O!O!nnOO:attribute_quotations", &text, &PyList_Type, &items,
                          &PyType_Type, &slots.found, &PyType_Type, &slots.raw, &PyType_Type, &slots.para, &PyList_Type,
                          &slots.paras, &PyList_Type, &cues.verb_starts, &PyList_Type, &cues.verb_ends, &PyList_Type,
                          &cues.according_starts, &PyList_Type, &cues.according_ends, &PyTuple_Type, &abbreviations,
                          &window, &verbs_back, &sets, &table)
        || found_slots(&slots) < 0 || !read_abbreviations(abbreviations) || !open_phrase(&p, text, sets, table))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(items);
    Quotation *quotes = PyMem_Malloc((n + 1) * sizeof *quotes);
    if (quotes == NULL)
        return PyErr_NoMemory();
    bool valid = verbs_back >= 1 && verbs_back <= 8 && PyList_GET_SIZE(cues.verb_starts) == PyList_GET_SIZE(cues.verb_ends)
                 && PyList_GET_SIZE(cues.according_starts) == PyList_GET_SIZE(cues.according_ends);
    for (Py_ssize_t k = 0; valid && k < n; k++)
        valid = read_quotation(&slots, PyList_GET_ITEM(items, k), p.length, &quotes[k])
                && (k == 0 || quotes[k].para >= quotes[k - 1].para);
    PyObject *out = valid ? PyList_New(n) : NULL;
    if (!valid && !PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "attribute_quotations: quotations in text order, each inside its paragraph");
    Py_ssize_t cued_para = -1;
    bool cued = false;
    for (Py_ssize_t k = 0; out != NULL && k < n; k++) {
        if (quotes[k].para != cued_para) {  /* _attribute's `cued`: asked once a paragraph */
            cued_para = quotes[k].para;
            cued = any_cue(&cues, quotes[k].para_start, quotes[k].para_end);
        }
        bool found;
        int how = attribute_quotation(&p, &cues, quotes, k, cued, abbreviations, window, verbs_back, span, &found);
        PyObject *item = PyErr_Occurred() ? NULL : attributed(how, found, span);
        if (item == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, k, item);
    }
    PyMem_Free(quotes);
    PyMem_Free(p.words);
    if (PyErr_Occurred())
        Py_CLEAR(out);
    return out;
}

PyDoc_STRVAR(attribute_quotations_doc,
"attribute_quotations(text, quotations, found_cls, raw_cls, paragraph_cls, paragraphs, verb_starts, verb_ends,\n"
"                     according_starts, according_ends, abbreviations, window, verbs_back, sets, classes)\n"
"                     -> [(how, (start, end) | None)]\n\n"
"attribution._attribute_python: each quotation's speaker and how it was found (the last way tried when\n"
"none was). The quotations are attribution._Found objects (of found_cls, their raw quotes of raw_cls and\n"
"paragraphs of paragraph_cls), in text order, whose slots are read: the words, the marks (close None\n"
"when the paragraph ends first), the paragraph's index and offsets, and through paragraphs (the\n"
"(start, end) of each) the paragraph before's. The rest as for speaker_before_quotation.");

/* ---- attribution: which passes after _attribute may give a quotation a speaker ------------------
   attribution._unreached_back and _attribute_left_over ask SpeakerFinder of every quotation left
   without a speaker, and nearly every one fails on its first look: its words close their sentence,
   no speech verb follows, no hyphen. Those first looks are made here for a document's quotations in
   one call; a bit left clear says the method gives nothing, so it is not asked. The methods stay the
   only reading of the words: tests/test_attribution.py proves that none gives a speaker (or an
   attribution) where its bit is clear. */

enum { SCREEN_AFTER = 1, SCREEN_TRAILING = 2, SCREEN_FOLLOWING = 4, SCREEN_HYPHEN = 8 };

/* A character of the runs of spaces in speakers._HYPHEN_SIGNATURE: [ \t\u00a0] */
static bool hyphen_space(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == 0x00A0;
}

/* speakers._HYPHEN_SIGNATURE may match at i: spaces, a hyphen, then a space, before para_end. */
static bool hyphen_may_follow(const Phrase *p, Py_ssize_t i, Py_ssize_t para_end)
{
    while (i < para_end && hyphen_space(PHRASE_CHAR(p, i)))
        i++;
    return i + 1 < para_end && PHRASE_CHAR(p, i) == '-' && hyphen_space(PHRASE_CHAR(p, i + 1));
}

/* The screen of one quotation with a closing mark: SpeakerFinder._verb_after's verb (the first
   after the lead-in, within window, not a participle) is what attribution_after and following
   need; trailing needs a verb before the sentence's full stop, which lies within twice window. */
static int quotation_screen(const Phrase *p, const CueBounds *cues, const Quotation *q, Py_ssize_t window)
{
    int screen = 0;
    Py_ssize_t lead = q->close + 1;
    while (lead < q->para_end && lead_in_char(PHRASE_CHAR(p, lead)))
        lead++;
    Py_ssize_t verb = first_cue(cues->verb_starts, cues->verb_ends, lead, Py_MIN(q->para_end, lead + window));
    if (verb >= 0) {
        Py_ssize_t verb_start = bound_at(cues->verb_starts, verb), verb_end = bound_at(cues->verb_ends, verb);
        if (!participle_at(p, verb_start, verb_end)) {
            if (open_ended(p, q->start, q->close))
                screen |= SCREEN_AFTER;
            if (verb_start != lead)
                screen |= SCREEN_FOLLOWING;
        }
    }
    if (first_cue(cues->verb_starts, cues->verb_ends, q->close + 1, Py_MIN(q->para_end, q->close + 2 * window)) >= 0)
        screen |= SCREEN_TRAILING;
    if (hyphen_may_follow(p, q->close + 1, q->para_end))
        screen |= SCREEN_HYPHEN;
    return screen;
}

static PyObject *quotation_screens(PyObject *module, PyObject *args)
{
    PyObject *text, *items;
    FoundSlots slots;
    CueBounds cues = {NULL, NULL, NULL, NULL};
    Py_ssize_t window;
    if (!PyArg_ParseTuple(args, "UO!O!O!O!O!O!O!n:quotation_screens", &text, &PyList_Type, &items, &PyType_Type,
                          &slots.found, &PyType_Type, &slots.raw, &PyType_Type, &slots.para, &PyList_Type, &slots.paras,
                          &PyList_Type, &cues.verb_starts, &PyList_Type, &cues.verb_ends, &window)
        || found_slots(&slots) < 0)
        return NULL;
    if (PyList_GET_SIZE(cues.verb_starts) != PyList_GET_SIZE(cues.verb_ends) || window < 0) {
        PyErr_SetString(PyExc_ValueError, "quotation_screens: as many verb starts as ends, a window of 0 or more");
        return NULL;
    }
    Phrase p = {.text = text, .kind = PyUnicode_KIND(text), .data = PyUnicode_DATA(text),
                .length = PyUnicode_GET_LENGTH(text)};
    Py_ssize_t n = PyList_GET_SIZE(items);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n);
    char *screens = out == NULL ? NULL : PyBytes_AS_STRING(out);
    for (Py_ssize_t k = 0; screens != NULL && k < n; k++) {
        Quotation q;
        if (!read_quotation(&slots, PyList_GET_ITEM(items, k), p.length, &q)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "quotation_screens: quotations inside their paragraphs");
            break;
        }
        screens[k] = (char)(q.close >= 0 ? quotation_screen(&p, &cues, &q, window) : 0);
        if (PyErr_Occurred())
            break;
    }
    if (PyErr_Occurred())
        Py_CLEAR(out);
    return out;
}

PyDoc_STRVAR(quotation_screens_doc,
"quotation_screens(text, quotations, found_cls, raw_cls, paragraph_cls, paragraphs, verb_starts, verb_ends,\n"
"                  window) -> bytes\n\n"
"For each quotation (as attribute_quotations reads them), a byte of the SpeakerFinder methods that may\n"
"give it something: 1 attribution_after, 2 trailing, 4 following, 8 hyphen_after. A bit left clear\n"
"says the method gives None (False); a quotation left open at its paragraph's end has none set.");

/* ---- attribution: a document's paragraphs (provenance/analyzers/attribution.py) -----------------
   attribution._paragraphs_python is the reference; tests/test_attribution.py proves that both give
   the same paragraphs. */

static const char *const line_bound_names[3] = {"number", "start", "end"};

static PyObject *paragraph_bounds(PyObject *module, PyObject *args)
{
    PyObject *lines, *skip;
    PyTypeObject *cls;
    Py_ssize_t at[3];
    if (!PyArg_ParseTuple(args, "O!O!O:paragraph_bounds", &PyList_Type, &lines, &PyType_Type, &cls, &skip)
        || slot_offsets(cls, line_bound_names, 3, at, "paragraph_bounds", "line") < 0)
        return NULL;
    if (!PyAnySet_Check(skip)) {
        PyErr_SetString(PyExc_TypeError, "paragraph_bounds: the line numbers skipped are a set");
        return NULL;
    }
    bool skipping = PySet_GET_SIZE(skip) > 0;
    PyObject *out = PyList_New(0);
    for (Py_ssize_t k = 0; out != NULL && k < PyList_GET_SIZE(lines); k++) {
        PyObject *line = PyList_GET_ITEM(lines, k);
        PyObject *number = Py_IS_TYPE(line, cls) ? *(PyObject **)((char *)line + at[0]) : NULL;
        PyObject *start = number != NULL ? *(PyObject **)((char *)line + at[1]) : NULL;
        PyObject *end = start != NULL ? *(PyObject **)((char *)line + at[2]) : NULL;
        if (end == NULL) {
            PyErr_SetString(PyExc_TypeError, "paragraph_bounds: lines of the class given, their slots set");
            Py_CLEAR(out);
            break;
        }
        int skipped = skipping ? PySet_Contains(skip, number) : 0;
        PyObject *bound = skipped == 0 ? PyTuple_Pack(2, start, end) : NULL;
        if (skipped < 0 || (skipped == 0 && (bound == NULL || PyList_Append(out, bound) < 0)))
            Py_CLEAR(out);
        Py_XDECREF(bound);
    }
    return out;
}

PyDoc_STRVAR(paragraph_bounds_doc,
"paragraph_bounds(lines, line_cls, skip) -> [(start, end)]\n\n"
"attribution._paragraphs_python: the (start, end) of each of lines (of line_cls, whose slots number,\n"
"start and end are read) whose number is not in the set skip, in order.");

/* attribution._locate_python: each quotation of paragraph_quotes (k, raw) as a _Found of found_cls
   (slots raw, para, speaker, how) with its paragraph, a _Paragraph of para_cls (slots index, start,
   end) made once for the quotations it holds; none speaks yet (speaker None, how ""). */

static const char *const located_found_names[4] = {"raw", "para", "speaker", "how"};

static PyObject *new_paragraph(PyTypeObject *cls, const Py_ssize_t *at, PyObject *index, PyObject *paras)
{
    Py_ssize_t k = PyLong_AsSsize_t(index);
    PyObject *bound = k >= 0 && k < PyList_GET_SIZE(paras) ? PyList_GET_ITEM(paras, k) : NULL;
    if (bound == NULL || !PyTuple_Check(bound) || PyTuple_GET_SIZE(bound) != 2) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "located_quotations: a paragraph's index among the (start, end) given");
        return NULL;
    }
    PyObject *para = cls->tp_alloc(cls, 0);
    if (para == NULL)
        return NULL;
    *(PyObject **)((char *)para + at[0]) = Py_NewRef(index);
    *(PyObject **)((char *)para + at[1]) = Py_NewRef(PyTuple_GET_ITEM(bound, 0));
    *(PyObject **)((char *)para + at[2]) = Py_NewRef(PyTuple_GET_ITEM(bound, 1));
    return para;
}

static PyObject *located_quotations(PyObject *module, PyObject *args)
{
    PyObject *found, *paras;
    PyTypeObject *found_cls, *para_cls;
    Py_ssize_t found_at[4], para_at[3];
    if (!PyArg_ParseTuple(args, "O!O!O!O!:located_quotations", &PyList_Type, &found, &PyList_Type, &paras, &PyType_Type,
                          &found_cls, &PyType_Type, &para_cls)
        || slot_offsets(found_cls, located_found_names, 4, found_at, "located_quotations", "found") < 0
        || slot_offsets(para_cls, para_slot_names, 3, para_at, "located_quotations", "paragraph") < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(found), para_k = -1;
    PyObject *out = PyList_New(n), *para = NULL, *none_said = PyUnicode_New(0, 0);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *item = PyList_GET_ITEM(found, i);
        PyObject *index = PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 2 ? PyTuple_GET_ITEM(item, 0) : NULL;
        Py_ssize_t k = index != NULL && PyLong_Check(index) ? PyLong_AsSsize_t(index) : -1;
        if (k < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "located_quotations: (paragraph index, raw quote) pairs");
            Py_CLEAR(out);
            break;
        }
        if (para == NULL || k != para_k) {
            Py_XSETREF(para, new_paragraph(para_cls, para_at, index, paras));
            para_k = k;
        }
        PyObject *quotation = para != NULL && none_said != NULL ? found_cls->tp_alloc(found_cls, 0) : NULL;
        if (quotation == NULL) {
            Py_CLEAR(out);
            break;
        }
        *(PyObject **)((char *)quotation + found_at[0]) = Py_NewRef(PyTuple_GET_ITEM(item, 1));
        *(PyObject **)((char *)quotation + found_at[1]) = Py_NewRef(para);
        *(PyObject **)((char *)quotation + found_at[2]) = Py_NewRef(Py_None);
        *(PyObject **)((char *)quotation + found_at[3]) = Py_NewRef(none_said);
        PyList_SET_ITEM(out, i, quotation);
    }
    Py_XDECREF(para);
    Py_XDECREF(none_said);
    return out;
}

PyDoc_STRVAR(located_quotations_doc,
"located_quotations(found, paragraphs, found_cls, paragraph_cls) -> [found_cls]\n\n"
"attribution._locate_python: each (k, raw quote) of found (quotes.paragraph_quotes, in text order) as\n"
"an object of found_cls (raw, para, speaker None, how \"\") with its paragraph, an object of\n"
"paragraph_cls (k and paragraphs[k], a (start, end) tuple) made once for the quotations it holds.");

/* ---- attribution: a short name's fuller name (provenance/speakers.py) --------------------------
   NameMentions._fuller_by_mentions (with _mentions_back, _line_mentions and _person) is the reference,
   used when this module is missing; tests/test_attribution.py proves that both give the same names.
   Both fill the same caches of a document's NameMentions: its lines' mentions, by the line's start,
   and each mention's personal name (start, end, its words bare) or None, by the mention's start. */

typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t length;
    PyObject *lines, *persons, *roles, *not_names, *not_person;
    ClassCache cache;
} Mentions;

#define MENTION_CHAR(ms, i) PyUnicode_READ((ms)->kind, (ms)->data, (i))

/* The first i of lo..hi-1 holding an ASCII capital or a character beyond ASCII (where a mention can
   begin), else hi: most characters are neither, passed over by a loop over the text's own units
   rather than a read of each through PyUnicode_READ's switch on the kind. */
#define CAPITAL_OR_WIDE_LOOP(type)                                                          \
    do {                                                                                    \
        const type *units = (const type *)data;                                             \
        while (lo < hi && units[lo] < 128 && (units[lo] < 'A' || units[lo] > 'Z'))          \
            lo++;                                                                           \
    } while (0)

static Py_ssize_t next_capital_or_wide(int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi)
{
    if (kind == PyUnicode_1BYTE_KIND)
        CAPITAL_OR_WIDE_LOOP(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        CAPITAL_OR_WIDE_LOOP(Py_UCS2);
    else
        CAPITAL_OR_WIDE_LOOP(Py_UCS4);
    return lo;
}

#undef CAPITAL_OR_WIDE_LOOP

/* NameMentions._line_mentions: the mentions of the line starting at `start`, a borrowed list. */
static PyObject *line_mentions(Mentions *ms, Py_ssize_t start)
{
    PyObject *key = PyLong_FromSsize_t(start);
    PyObject *found = key == NULL ? NULL : PyDict_GetItemWithError(ms->lines, key);
    if (found != NULL || key == NULL || PyErr_Occurred()) {
        Py_XDECREF(key);
        return found;
    }
    Py_ssize_t end = PyUnicode_FindChar(ms->text, '\n', start, ms->length, 1);
    end = end < 0 ? ms->length : end;
    PyObject *spans = PyList_New(0);
    for (Py_ssize_t i = start; spans != NULL && (i = next_capital_or_wide(ms->kind, ms->data, i, end)) < end;) {
        Py_ssize_t mention = name_mention_end(&ms->cache, ms->kind, ms->data, i, end);
        PyObject *span = mention > 0 ? ssize_pair(i, mention) : NULL;
        if (mention < 0 || (mention > 0 && (span == NULL || PyList_Append(spans, span) < 0)))
            Py_CLEAR(spans);
        Py_XDECREF(span);
        i = mention > 0 ? mention : i + 1;
    }
    int stored = spans == NULL ? -1 : PyDict_SetItem(ms->lines, key, spans);
    Py_DECREF(key);
    Py_XDECREF(spans);  /* the dictionary holds it */
    return stored < 0 ? NULL : spans;
}

/* speakers._bare: where a word (text[start:end]) ends without a possessive ending or final periods. */
static Py_ssize_t bare_end(const Mentions *ms, Py_ssize_t start, Py_ssize_t end)
{
    Py_UCS4 last = MENTION_CHAR(ms, end - 1);
    if (end - start >= 2 && last == 's' && (MENTION_CHAR(ms, end - 2) == 0x2019 || MENTION_CHAR(ms, end - 2) == '\''))
        end -= 2;
    else if (last == 0x2019 || last == '\'')
        end -= 1;
    while (end > start && MENTION_CHAR(ms, end - 1) == '.')
        end--;
    return end;
}

/* speakers._possessive of text[start:end]. */
static bool possessive_at(const Mentions *ms, Py_ssize_t start, Py_ssize_t end)
{
    Py_UCS4 last = MENTION_CHAR(ms, end - 1);
    if (last == 's' && end - start >= 2)
        last = MENTION_CHAR(ms, end - 2);
    return last == 0x2019 || last == '\'';
}

/* Whether str.lower of text[start:end] is a role or a word that is never a name; -1 on an error. */
static int role_or_not_name(const Mentions *ms, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *lower = lowered_text(ms->text, ms->kind, ms->data, start, end);
    if (lower == NULL)
        return -1;
    int found = PySet_Contains(ms->roles, lower);
    if (found == 0)
        found = PySet_Contains(ms->not_names, lower);
    Py_DECREF(lower);
    return found;
}

/* Where the word of a mention starting at i ends (at a space or a tab, or m1). */
static Py_ssize_t mention_word_end(const Mentions *ms, Py_ssize_t i, Py_ssize_t m1)
{
    while (i < m1 && MENTION_CHAR(ms, i) != ' ' && MENTION_CHAR(ms, i) != '\t')
        i++;
    return i;
}

/* Where the next word of a mention begins after a word ending at j. */
static Py_ssize_t next_mention_word(const Mentions *ms, Py_ssize_t j, Py_ssize_t m1)
{
    while (j < m1 && (MENTION_CHAR(ms, j) == ' ' || MENTION_CHAR(ms, j) == '\t'))
        j++;
    return j;
}

/* NameMentions._person of the mention text[m0:m1]: a new reference, None or NULL on an error. Its
   words are apart by spaces and tabs alone; the name runs from the word after the last role or
   word never a name. */
static PyObject *mention_person(Mentions *ms, Py_ssize_t m0, Py_ssize_t m1)
{
    Py_ssize_t n = 0, first = 0;
    for (Py_ssize_t i = m0, j; i < m1; i = next_mention_word(ms, j, m1), n++) {
        j = mention_word_end(ms, i, m1);
        int found = role_or_not_name(ms, i, bare_end(ms, i, j));
        if (found < 0)
            return NULL;
        if (found)
            first = n + 1;
    }
    if (n - first < 2)
        Py_RETURN_NONE;
    Py_ssize_t start = m0;
    for (Py_ssize_t k = 0; k < first; k++)
        start = next_mention_word(ms, mention_word_end(ms, start, m1), m1);
    for (Py_ssize_t i = start, j; i < m1; i = next_mention_word(ms, j, m1))
        if (possessive_at(ms, i, j = mention_word_end(ms, i, m1)))
            Py_RETURN_NONE;
    Py_ssize_t end = MENTION_CHAR(ms, m1 - 1) == '.' ? m1 - 1 : m1;
    if (ms->not_person != Py_None) {
        PyObject *found = PyObject_CallFunction(ms->not_person, "Onn", ms->text, start, end);
        int truth = found == NULL ? -1 : PyObject_IsTrue(found);
        Py_XDECREF(found);
        if (truth < 0)
            return NULL;
        if (truth)
            Py_RETURN_NONE;
    }
    PyObject *words = PyTuple_New(n - first);
    Py_ssize_t k = 0;
    for (Py_ssize_t i = start, j; words != NULL && i < m1; i = next_mention_word(ms, j, m1), k++) {
        j = mention_word_end(ms, i, m1);
        PyObject *bare = PyUnicode_Substring(ms->text, i, bare_end(ms, i, j));
        if (bare == NULL)
            Py_CLEAR(words);
        else
            PyTuple_SET_ITEM(words, k, bare);
    }
    return words == NULL ? NULL : Py_BuildValue("(nnN)", start, end, words);
}

/* NameMentions._person_of: the cached personal name of the mention starting at m0, borrowed. */
static PyObject *person_of(Mentions *ms, Py_ssize_t m0, Py_ssize_t m1)
{
    PyObject *key = PyLong_FromSsize_t(m0);
    PyObject *found = key == NULL ? NULL : PyDict_GetItemWithError(ms->persons, key);
    if (found == NULL && key != NULL && !PyErr_Occurred()) {
        PyObject *person = mention_person(ms, m0, m1);
        if (person != NULL && PyDict_SetItem(ms->persons, key, person) == 0)
            found = person;  /* the dictionary holds it */
        Py_XDECREF(person);
    }
    Py_XDECREF(key);
    return found;
}

/* NameMentions._is_person_before: a personal name starting before pos; -1 on an error. */
static int person_before(Mentions *ms, Py_ssize_t m0, Py_ssize_t m1, Py_ssize_t pos)
{
    PyObject *person = person_of(ms, m0, m1);
    if (person == NULL)
        return -1;
    return person != Py_None && PyLong_AsSsize_t(PyTuple_GET_ITEM(person, 0)) < pos;
}

/* The personal name of a mention holding the name, if it is the fuller name: a new reference to the
   text's span as (start, end), None when it is not, NULL on an error. */
static PyObject *fuller_of(Mentions *ms, Py_ssize_t m0, Py_ssize_t m1, Py_ssize_t pos, PyObject *name)
{
    PyObject *person = person_of(ms, m0, m1);
    if (person == NULL)
        return NULL;
    Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(person, 0)), end = PyLong_AsSsize_t(PyTuple_GET_ITEM(person, 1));
    PyObject *words = PyTuple_GET_ITEM(person, 2);
    Py_ssize_t n = PyTuple_GET_SIZE(words);
    if (end > pos || n < 2)
        Py_RETURN_NONE;
    int same = PyUnicode_Compare(PyTuple_GET_ITEM(words, 0), name) == 0
               || PyUnicode_Compare(PyTuple_GET_ITEM(words, n - 1), name) == 0;
    if (PyErr_Occurred())
        return NULL;
    return same ? ssize_pair(start, end) : Py_NewRef(Py_None);
}

static PyObject *fuller_name(PyObject *module, PyObject *args)
{
    Mentions ms;
    PyObject *name, *table;
    Py_ssize_t pos, floor, most;
    if (!PyArg_ParseTuple(args, "UnnUO!O!O!O!OOn:fuller_name", &ms.text, &pos, &floor, &name, &PyDict_Type, &ms.lines,
                          &PyDict_Type, &ms.persons, &PyFrozenSet_Type, &ms.roles, &PyFrozenSet_Type, &ms.not_names,
                          &ms.not_person, &table, &most))
        return NULL;
    ms.kind = PyUnicode_KIND(ms.text);
    ms.data = PyUnicode_DATA(ms.text);
    ms.length = PyUnicode_GET_LENGTH(ms.text);
    if (pos < 0 || pos > ms.length || floor < 0 || most < 1) {
        PyErr_SetString(PyExc_ValueError, "fuller_name: positions in the text");
        return NULL;
    }
    start_class_cache(&ms.cache, table);
    Py_ssize_t *unjudged = PyMem_Malloc(2 * most * sizeof *unjudged), n_unjudged = 0, persons = 0;
    if (unjudged == NULL)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    Py_ssize_t line = PyUnicode_FindChar(ms.text, '\n', 0, pos, -1) + 1;
    for (bool failed = false; result == NULL && !failed;) {
        PyObject *spans = line_mentions(&ms, line);
        failed = spans == NULL;
        for (Py_ssize_t k = failed ? -1 : PyList_GET_SIZE(spans) - 1; k >= 0 && result == NULL && !failed; k--) {
            PyObject *span = PyList_GET_ITEM(spans, k);
            Py_ssize_t m0 = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0)), m1 = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
            if (m0 >= pos)
                continue;
            if (persons + n_unjudged >= most) {
                for (Py_ssize_t u = 0; u < n_unjudged && !failed; u++) {
                    int person = person_before(&ms, unjudged[2 * u], unjudged[2 * u + 1], pos);
                    failed = person < 0;
                    persons += person > 0;
                }
                n_unjudged = 0;
                if (persons >= most)
                    result = Py_NewRef(Py_None);
                if (failed || result != NULL)
                    break;
            }
            Py_ssize_t holds = PyUnicode_Find(ms.text, name, m0, m1, 1);
            if (holds == -2)
                failed = true;
            else if (holds < 0) {
                unjudged[2 * n_unjudged] = m0;
                unjudged[2 * n_unjudged++ + 1] = m1;
            } else {
                int person = person_before(&ms, m0, m1, pos);
                failed = person < 0;
                if (person > 0) {
                    persons++;
                    PyObject *found = fuller_of(&ms, m0, m1, pos, name);
                    failed = found == NULL;
                    if (found == Py_None)
                        Py_DECREF(found);
                    else
                        result = found;
                }
            }
        }
        if (result != NULL || failed || line <= floor)
            break;
        line = PyUnicode_FindChar(ms.text, '\n', 0, line - 1, -1) + 1;
    }
    PyMem_Free(unjudged);
    if (PyErr_Occurred()) {
        Py_XDECREF(result);
        return NULL;
    }
    return result != NULL ? result : Py_NewRef(Py_None);
}

PyDoc_STRVAR(fuller_name_doc,
"fuller_name(text, pos, floor, name, lines, persons, roles, not_names, not_person, classes, most) -> (start, end) | None\n\n"
"NameMentions._fuller_by_mentions: the last fuller name holding name (a personal name of two words or\n"
"more, beginning or ending with it) among the last `most` personal names starting before pos, read\n"
"back to the line holding floor. lines and persons are the NameMentions caches, filled as it fills\n"
"them; roles and not_names the lexicons' sets; not_person(text, start, end) whether a name is no\n"
"person's (None: every name is); classes the TOKEN_* bits of a character beyond ASCII.");

/* ---- attribution: scare quotes and titles (provenance/analyzers/attribution.py) ------------------
   attribution._is_scare (with _is_title_case) is the reference, used when this module is missing;
   tests/test_attribution.py proves that both judge alike. The limits and word lists are the
   scare-quote detector's parameters (attribution._ScareLimits). */

typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t max_words, title_words, term_words;
    PyObject *term_before, *minor_words, *pronouns;
} ScareLimits;

#define SCARE_CHAR(l, i) PyUnicode_READ((l)->kind, (l)->data, (i))

static bool strips_as_title(Py_UCS4 c, bool first)
{
    return c == '.' || c == ',' || (!first && (c == '!' || c == '?' || c == ':' || c == ';'));
}

/* Whether str.lower of a word (text[start:end]) without the marks strips_as_title strips from its
   ends is in `words`; -1 on an error. */
static int stripped_word_in(const ScareLimits *l, Py_ssize_t start, Py_ssize_t end, bool first, PyObject *words)
{
    while (start < end && strips_as_title(SCARE_CHAR(l, start), first))
        start++;
    while (end > start && strips_as_title(SCARE_CHAR(l, end - 1), first))
        end--;
    PyObject *lower = lowered_text(l->text, l->kind, l->data, start, end);
    if (lower == NULL)
        return -1;
    int found = PySet_Contains(words, lower);
    Py_DECREF(lower);
    return found;
}

/* attribution._is_title_case of the n words at starts/ends; -1 on an error. */
static int title_case(const ScareLimits *l, const Py_ssize_t *starts, const Py_ssize_t *ends, Py_ssize_t n)
{
    if (n < 2)
        return 0;
    int pronoun = stripped_word_in(l, starts[0], ends[0], true, l->pronouns);
    if (pronoun != 0)
        return pronoun < 0 ? -1 : 0;
    Py_ssize_t majors = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        int minor = stripped_word_in(l, starts[k], ends[k], false, l->minor_words);
        if (minor < 0)
            return -1;
        if (minor)
            continue;
        Py_UCS4 c = SCARE_CHAR(l, starts[k]);
        if (Py_UNICODE_ISALPHA(c) && !Py_UNICODE_ISUPPER(c))
            return 0;
        majors++;
    }
    return majors > 0;
}

static bool terminal_mark(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == ',' || c == ';' || c == ':' || c == 0x2026;
}

/* attribution._is_scare of the quotation whose words are text[start:end], its opening mark at open;
   -1 on an error. Its words are counted to one more than any limit (`most`), no further: past every
   limit, neither the words nor the last character decide. */
static int is_scare(const ScareLimits *l, Py_ssize_t start, Py_ssize_t end, Py_ssize_t open, bool has_speaker,
                    Py_ssize_t most, Py_ssize_t *starts, Py_ssize_t *ends)
{
    Py_ssize_t n = 0, last = -1;
    for (Py_ssize_t i = start; i < end && n <= most;) {
        if (Py_UNICODE_ISSPACE(SCARE_CHAR(l, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < end && !Py_UNICODE_ISSPACE(SCARE_CHAR(l, j)))
            j++;
        starts[n] = i;
        ends[n] = j;
        n++;
        last = j - 1;
        i = j;
    }
    if (n <= l->title_words) {
        int title = title_case(l, starts, ends, n);
        if (title != 0)
            return title;
    }
    if (n <= l->term_words) {
        PyObject *found = PyObject_CallFunction(l->term_before, "Onn", l->text, Py_MAX(0, open - 12), open);
        if (found == NULL)
            return -1;
        Py_DECREF(found);
        if (found != Py_None)
            return 1;
    }
    if (has_speaker)
        return 0;
    return n <= l->max_words && !(last >= 0 && terminal_mark(SCARE_CHAR(l, last)));
}

static PyObject *scare_quotes(PyObject *module, PyObject *args)
{
    ScareLimits l;
    PyObject *quotes;
    PyTypeObject *found_cls, *raw_cls;
    Py_ssize_t found_at[2], raw_at[3];
    if (!PyArg_ParseTuple(args, "UO!O!O!nnnOO!O!:scare_quotes", &l.text, &PyList_Type, &quotes, &PyType_Type, &found_cls,
                          &PyType_Type, &raw_cls, &l.max_words, &l.title_words, &l.term_words, &l.term_before,
                          &PyFrozenSet_Type, &l.minor_words, &PyFrozenSet_Type, &l.pronouns)
        || slot_offsets(found_cls, scare_found_slot_names, 2, found_at, "scare_quotes", "found") < 0
        || slot_offsets(raw_cls, raw_slot_names, 3, raw_at, "scare_quotes", "raw quote") < 0)
        return NULL;
    l.kind = PyUnicode_KIND(l.text);
    l.data = PyUnicode_DATA(l.text);
    Py_ssize_t most = Py_MAX(l.max_words, Py_MAX(l.title_words, l.term_words)), length = PyUnicode_GET_LENGTH(l.text);
    if (most < 0 || most > 1000) {
        PyErr_SetString(PyExc_ValueError, "scare_quotes: word limits from 0 to 1000");
        return NULL;
    }
    Py_ssize_t *words = PyMem_Malloc(2 * (most + 1) * sizeof *words);
    PyObject *out = words == NULL ? PyErr_NoMemory() : PyList_New(PyList_GET_SIZE(quotes));
    for (Py_ssize_t k = 0; out != NULL && k < PyList_GET_SIZE(quotes); k++) {
        PyObject *quote = PyList_GET_ITEM(quotes, k);
        PyObject *raw = Py_IS_TYPE(quote, found_cls) ? *(PyObject **)((char *)quote + found_at[0]) : NULL;
        PyObject *speaker = raw != NULL ? *(PyObject **)((char *)quote + found_at[1]) : NULL;
        Py_ssize_t start = 0, end = 0, open = 0;
        bool read = speaker != NULL && Py_IS_TYPE(raw, raw_cls) && read_slot_ssize(raw, raw_at[0], &start)
                    && read_slot_ssize(raw, raw_at[1], &end) && read_slot_ssize(raw, raw_at[2], &open);
        int has_speaker = speaker != Py_None;
        if (!read
            || start < 0 || end > length || open < 0 || open > length) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "scare_quotes: quotations of the classes given, in the text");
            Py_CLEAR(out);
            break;
        }
        int scare = is_scare(&l, start, end, open, has_speaker, most, words, words + most + 1);
        if (scare < 0)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, k, Py_NewRef(scare ? Py_True : Py_False));
    }
    PyMem_Free(words);
    return out;
}

PyDoc_STRVAR(scare_quotes_doc,
"scare_quotes(text, quotes, found_cls, raw_cls, max_words, title_words, term_words, term_before, minor_words,\n"
"             pronouns) -> [bool]\n\n"
"attribution._is_scare of each quotation, an attribution._Found (of found_cls, its raw quote of raw_cls)\n"
"whose slots are read: its words' offsets, its opening mark's and whether it has a speaker; the rest\n"
"are attribution._ScareLimits' fields, with term_before(text, pos, endpos) the search of its\n"
"term_before pattern.");

/* ---- residue: line-score's message for a reported line, beyond-article's anchor ----
   linescore._strongest(linescore.feature_row(...)) and beyond.anchor are the references and the fallbacks;
   tests/test_fastpage.py proves that both paths give the same answers. A line's row is made as line_chances
   makes it, from its own features and its neighbours'; its pushes sorted as Python sorts (push, name) pairs,
   largest first. */

#define STRONGEST_MAX SCORE_FEATURES

typedef struct {
    double push, value;
    PyObject *name;
} Push;

/* Whether push a comes after push b in sorted(..., reverse=True): a smaller push, or an equal one with a
   smaller name (the names are distinct). -1 and an exception: the names could not be compared. */
static int pushed_less(const Push *a, const Push *b)
{
    if (a->push != b->push)
        return a->push < b->push;
    return PyObject_RichCompareBool(a->name, b->name, Py_LT);
}

/* The row of line `index` of `lines` (n of them), made from the line and its neighbours alone. */
static int reported_row(PyObject *lines, Py_ssize_t index, PyObject *decided, double edge_share, double *row)
{
    Py_ssize_t n = PyList_GET_SIZE(lines), first = index > 0 ? index - 1 : 0, last = index + 1 < n ? index + 1 : index;
    double own[3 * SCORE_OWN];
    ScoreSlots slots;
    find_score_slots(lines, &slots);
    for (Py_ssize_t i = first; i <= last; i++)
        if (own_features(PyList_GET_ITEM(lines, i), &slots, decided, own + (i - first) * SCORE_OWN) < 0)
            return -1;
    feature_row(own, index - first, last - first + 1, edge_share, row);
    Py_ssize_t end = n - 1 > 1 ? n - 1 : 1;
    double at = (double)index / (double)end;
    row[SCORE_FEATURES - 3] = at;
    row[SCORE_FEATURES - 2] = at < edge_share ? 1.0 : 0.0;
    row[SCORE_FEATURES - 1] = at > 1 - edge_share ? 1.0 : 0.0;
    return 0;
}

/* The `count` largest pushes of a row's nonzero values, sorted largest first (insertion: rows are short). */
static int sorted_pushes(const double *row, const double *weights, PyObject *names, Push *pushes, int *count)
{
    int held = 0;
    for (int k = 0; k < SCORE_FEATURES; k++) {
        if (row[k] == 0.0)
            continue;
        Push p = {weights[k] * row[k], row[k], PyTuple_GET_ITEM(names, k)};
        int at = held;
        while (at > 0) {
            int less = pushed_less(&pushes[at - 1], &p);
            if (less < 0)
                return -1;
            if (!less)
                break;
            pushes[at] = pushes[at - 1];
            at--;
        }
        pushes[at] = p;
        held++;
    }
    *count = held < *count ? held : *count;
    return 0;
}

/* "name=value, ..." of the pushes, each value as f"{value:.2f}" writes it. */
static PyObject *pushes_text(const Push *pushes, int count)
{
    PyObject *parts = PyList_New(count);
    for (int i = 0; parts != NULL && i < count; i++) {
        char *digits = PyOS_double_to_string(pushes[i].value, 'f', 2, 0, NULL);
        PyObject *part = digits == NULL ? NULL : PyUnicode_FromFormat("%U=%s", pushes[i].name, digits);
        PyMem_Free(digits);
        if (part == NULL)
            Py_CLEAR(parts);
        else
            PyList_SET_ITEM(parts, i, part);
    }
    if (parts == NULL)
        return NULL;
    PyObject *comma = PyUnicode_FromString(", ");
    PyObject *text = comma == NULL ? NULL : PyUnicode_Join(comma, parts);
    Py_XDECREF(comma);
    Py_DECREF(parts);
    return text;
}

static PyObject *strongest_features(PyObject *module, PyObject *args)
{
    PyObject *lines, *decided, *weight_list, *names;
    Py_ssize_t index;
    double edge_share, weights[SCORE_FEATURES], row[SCORE_FEATURES];
    int count;
    Push pushes[STRONGEST_MAX];
    if (score_attributes[SCORE_OWN] == NULL && intern_score_attributes() < 0)
        return NULL;
    if (!PyArg_ParseTuple(args, "O!OO!O!dni:strongest_features", &PyList_Type, &lines, &decided, &PyList_Type,
                          &weight_list, &PyTuple_Type, &names, &edge_share, &index, &count)
        || read_weights(weight_list, weights) < 0)
        return NULL;
    if (PyTuple_GET_SIZE(names) != SCORE_FEATURES || index < 0 || index >= PyList_GET_SIZE(lines) || count < 0) {
        PyErr_SetString(PyExc_ValueError, "strongest_features: a name a feature, and a line of lines");
        return NULL;
    }
    count = count < STRONGEST_MAX ? count : STRONGEST_MAX;
    if (reported_row(lines, index, decided, edge_share, row) < 0
        || sorted_pushes(row, weights, names, pushes, &count) < 0)
        return NULL;
    return pushes_text(pushes, count);
}

PyDoc_STRVAR(strongest_features_doc,
"strongest_features(lines, decided, weights, names, edge_share, index, count) -> str\n\n"
"linescore._strongest of line index's feature row (linescore.feature_row): its count largest\n"
"pushes (weight times value, weights and names in linescore.FEATURES order) as 'name=value, ...'.");

/* beyond.anchor: the indexes of the first and last line of the densest run of undecided long lines
   (a maximum subsequence: undecided lines of min_chars or more add their characters, decided lines
   subtract theirs), or None when its score is below min_score. */
static PyObject *article_anchor(PyObject *module, PyObject *args)
{
    PyObject *lines, *decided;
    Py_ssize_t min_chars, min_score;
    if (score_attributes[SCORE_OWN] == NULL && intern_score_attributes() < 0)
        return NULL;
    if (!PyArg_ParseTuple(args, "O!Onn:article_anchor", &PyList_Type, &lines, &decided, &min_chars, &min_score))
        return NULL;
    ScoreSlots slots;
    find_score_slots(lines, &slots);
    Py_ssize_t total = 0, start = 0, best = 0, first = -1, last = -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (total <= 0) {
            total = 0;
            start = i;
        }
        PyObject *number = score_field(line, &slots, SCORE_OWN), *chars = score_field(line, &slots, 0);
        int in = number == NULL || chars == NULL ? -1 : PySequence_Contains(decided, number);
        Py_ssize_t size = in < 0 ? -1 : PyLong_AsSsize_t(chars);
        Py_XDECREF(number);
        Py_XDECREF(chars);
        if (in < 0 || (size == -1 && PyErr_Occurred()))
            return NULL;
        if (in)
            total -= size;
        else if (size >= min_chars)
            total += size;
        if (total > best) {
            best = total;
            first = start;
            last = i;
        }
    }
    if (first < 0 || best < min_score)
        Py_RETURN_NONE;
    return Py_BuildValue("(nn)", first, last);
}

PyDoc_STRVAR(article_anchor_doc,
"article_anchor(lines, decided, min_chars, min_score) -> (first, last) | None\n\n"
"beyond.anchor: the indexes of the first and last LineInfo of lines in the densest run of undecided\n"
"lines of min_chars or more (decided lines count against it), when its score reaches min_score.");

/* ---- attribution: quotation marks and speech verbs' places, a block of text at a time ----
   The quotation marks' search (next_quote_mark) skipping the blocks of text that cannot hold one,
   and WordPlaces.find (provenance/speakers.py) in C: where any of some words of ASCII letters, digits
   and underscores, three characters or more, begins with no such character before it (RE2's \b).
   speakers.place_table builds the table, numbering each character by its place in
   speakers.WORD_UNITS (word_unit_code): the ranges of the words' first and of their second
   characters (four bytes: lowest, highest, lowest, highest), a bitmap of the words' first three
   characters, then for each pair of first characters the offsets starts[k]..starts[k + 1] (uint16)
   of its words in the words' blob, in ascending order, each after its length and followed by a NUL. The text is read in
   its own code units, so every offset is a code point's. The places that may open a word are found
   sixteen one-byte or two-byte characters at once (SSE2: no word character before, the first two
   characters within the ranges; two-byte units narrowed to bytes first); only those whose three
   characters open a word are compared with the words. WordPlaces._find_python is the reference; tests/test_attribution.py proves that
   both find the same places. */

/* Where the first block of chars[i:hi] begins that may hold a quotation mark (a straight double quote,
   or past U+00AA as every other mark is): sixteen one-byte or eight two-byte characters compared at
   once. Most text holds few marks, so most of it is skipped here; without SSE2, i itself. */
#ifdef __SSE2__
#include <emmintrin.h>

static Py_ssize_t mark_block_1(const Py_UCS1 *chars, Py_ssize_t i, Py_ssize_t hi)
{
    const __m128i quote = _mm_set1_epi8('"'), last_plain = _mm_set1_epi8((char)0xAA), zero = _mm_setzero_si128();
    for (; i + 16 <= hi; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(chars + i));
        __m128i plain = _mm_cmpeq_epi8(_mm_subs_epu8(v, last_plain), zero);  /* at most U+00AA */
        if ((_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) | (_mm_movemask_epi8(plain) ^ 0xFFFF)) != 0)
            return i;
    }
    return i;
}

static Py_ssize_t mark_block_2(const Py_UCS2 *chars, Py_ssize_t i, Py_ssize_t hi)
{
    const __m128i quote = _mm_set1_epi16('"'), last_plain = _mm_set1_epi16(0xAA), zero = _mm_setzero_si128();
    for (; i + 8 <= hi; i += 8) {
        __m128i v = _mm_loadu_si128((const __m128i *)(chars + i));
        __m128i plain = _mm_cmpeq_epi16(_mm_subs_epu16(v, last_plain), zero);
        if ((_mm_movemask_epi8(_mm_cmpeq_epi16(v, quote)) | (_mm_movemask_epi8(plain) ^ 0xFFFF)) != 0)
            return i;
    }
    return i;
}
#else
static Py_ssize_t mark_block_1(const Py_UCS1 *chars, Py_ssize_t i, Py_ssize_t hi)
{
    return i;
}

static Py_ssize_t mark_block_2(const Py_UCS2 *chars, Py_ssize_t i, Py_ssize_t hi)
{
    return i;
}
#endif

#define PLACE_RANGES 4
#define PLACE_TRIPLES (PLACE_RANGES)
#define PLACE_TRIPLES_BYTES (64 * 64 * 64 / 8)
#define PLACE_PAIRS (64 * 64)
#define PLACE_STARTS (PLACE_TRIPLES + PLACE_TRIPLES_BYTES)
#define PLACE_HEADER (PLACE_STARTS + (PLACE_PAIRS + 1) * 2)

static signed char word_unit_codes[128];

/* speakers.WORD_UNITS: 0-9, A-Z, a-z, _ numbered from 0; -1 for any other character. */
static void fill_word_unit_codes(void)
{
    memset(word_unit_codes, -1, sizeof word_unit_codes);
    for (int c = '0'; c <= '9'; c++)
        word_unit_codes[c] = (signed char)(c - '0');
    for (int c = 'A'; c <= 'Z'; c++)
        word_unit_codes[c] = (signed char)(c - 'A' + 10);
    for (int c = 'a'; c <= 'z'; c++)
        word_unit_codes[c] = (signed char)(c - 'a' + 36);
    word_unit_codes['_'] = 62;
}

static Py_ALWAYS_INLINE inline int word_unit_code(Py_UCS4 c)
{
    return c < 128 ? word_unit_codes[c] : -1;
}

/* Whether one of the table's words begins at s[i], a word start: its first three characters open
   one, then the words of its first pair are compared from their third character (each word's
   length before it), none past the first greater than the text. */
#define PLACE_AT(TYPE)                                                                                   \
    static Py_ALWAYS_INLINE inline bool place_at_##TYPE(const TYPE *s, Py_ssize_t n, Py_ssize_t i,            \
                                                       const unsigned char *table)                       \
    {                                                                                                    \
        if (i + 2 >= n)                                                                                  \
            return false;                                                                                \
        int c0 = word_unit_code(s[i]), c1 = word_unit_code(s[i + 1]), c2 = word_unit_code(s[i + 2]);     \
        if ((c0 | c1 | c2) < 0)                                                                          \
            return false;                                                                                \
        unsigned triple = (unsigned)(c0 << 12 | c1 << 6 | c2), pair = (unsigned)(c0 << 6 | c1);          \
        if (!((table[PLACE_TRIPLES + (triple >> 3)] >> (triple & 7)) & 1))                               \
            return false;                                                                                \
        const uint16_t *starts = (const uint16_t *)(table + PLACE_STARTS);                               \
        const unsigned char *blob = table + PLACE_HEADER;                                                \
        for (unsigned w = starts[pair]; w < starts[pair + 1]; w += blob[w] + 2u) {                       \
            const unsigned char *word = blob + w + 1;                                                    \
            Py_ssize_t length = blob[w], j = 2;                                                          \
            while (j < length && i + j < n && s[i + j] == word[j])                                       \
                j++;                                                                                     \
            if (j == length)                                                                             \
                return true;                                                                             \
            if (i + j >= n || s[i + j] < word[j])                                                        \
                return false;                                                                            \
        }                                                                                                \
        return false;                                                                                    \
    }

PLACE_AT(Py_UCS1)
PLACE_AT(Py_UCS2)
PLACE_AT(Py_UCS4)

static int append_place(PyObject *out, Py_ssize_t at)
{
    PyObject *value = PyLong_FromSsize_t(at);
    int failed = value == NULL || PyList_Append(out, value) < 0;
    Py_XDECREF(value);
    return failed ? -1 : 0;
}

#ifdef __SSE2__
/* All ones where x's bytes lie within lo..lo + span. */
#define IN_RANGE8(x, lo, span) \
    _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(x, _mm_set1_epi8(lo)), _mm_set1_epi8(span)), _mm_setzero_si128())

static Py_ALWAYS_INLINE inline __m128i word_units_8(__m128i x)
{
    return _mm_or_si128(_mm_or_si128(IN_RANGE8(x, '0', 9), IN_RANGE8(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 25)),
                        _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
}

/* The places of s[i:i + 16], i >= 1, that may open a word, as bits: no word character before, the
   character there and the next within the ranges of the words' first and second characters
   (ranges[0..1], ranges[2..3]). */
static Py_ALWAYS_INLINE inline unsigned word_starts_1(const Py_UCS1 *s, Py_ssize_t i, const unsigned char *ranges)
{
    __m128i first = IN_RANGE8(_mm_loadu_si128((const __m128i *)(s + i)), (char)ranges[0],
                              (char)(ranges[1] - ranges[0]));
    __m128i second = IN_RANGE8(_mm_loadu_si128((const __m128i *)(s + i + 1)), (char)ranges[2],
                               (char)(ranges[3] - ranges[2]));
    __m128i before = word_units_8(_mm_loadu_si128((const __m128i *)(s + i - 1)));
    return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(before, _mm_and_si128(first, second)));
}

/* Sixteen two-byte units from s[i] as bytes: a unit past U+00FF becomes 0 or 0xFF (the signed
   saturation of _mm_packus_epi16), neither a word character nor within any range of them. */
static Py_ALWAYS_INLINE inline __m128i narrowed_16(const Py_UCS2 *s, Py_ssize_t i)
{
    return _mm_packus_epi16(_mm_loadu_si128((const __m128i *)(s + i)), _mm_loadu_si128((const __m128i *)(s + i + 8)));
}

static Py_ALWAYS_INLINE inline unsigned word_starts_2(const Py_UCS2 *s, Py_ssize_t i, const unsigned char *ranges)
{
    __m128i first = IN_RANGE8(narrowed_16(s, i), (char)ranges[0], (char)(ranges[1] - ranges[0]));
    __m128i second = IN_RANGE8(narrowed_16(s, i + 1), (char)ranges[2], (char)(ranges[3] - ranges[2]));
    __m128i before = word_units_8(narrowed_16(s, i - 1));
    return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(before, _mm_and_si128(first, second)));
}
#define PLACE_BLOCK_1 16
#define PLACE_BLOCK_2 16
#else
#define PLACE_BLOCK_1 0
#define PLACE_BLOCK_2 0
#define word_starts_1(s, i, ranges) 0u
#define word_starts_2(s, i, ranges) 0u
#endif
#define PLACE_BLOCK_4 0
#define word_starts_4(s, i, ranges) 0u

/* The scan: whole blocks by their word-start bits, the rest one character at a time. */
#define PLACE_SCAN(TYPE, WIDTH)                                                                          \
    static int place_scan_##TYPE(const TYPE *s, Py_ssize_t n, const unsigned char *table, PyObject *out) \
    {                                                                                                    \
        if (n > 0 && place_at_##TYPE(s, n, 0, table) && append_place(out, 0) < 0)                       \
            return -1;                                                                                   \
        Py_ssize_t i = 1;                                                                                \
        for (; PLACE_BLOCK_##WIDTH > 0 && i + PLACE_BLOCK_##WIDTH < n; i += PLACE_BLOCK_##WIDTH) {       \
            for (unsigned bits = word_starts_##WIDTH(s, i, table); bits != 0; bits &= bits - 1) {       \
                Py_ssize_t at = i + __builtin_ctz(bits);                                                 \
                if (place_at_##TYPE(s, n, at, table) && append_place(out, at) < 0)                      \
                    return -1;                                                                           \
            }                                                                                            \
        }                                                                                                \
        for (; i < n; i++)                                                                               \
            if (word_unit_code(s[i - 1]) < 0 && place_at_##TYPE(s, n, i, table) && append_place(out, i) < 0) \
                return -1;                                                                               \
        return 0;                                                                                        \
    }

PLACE_SCAN(Py_UCS1, 1)
PLACE_SCAN(Py_UCS2, 2)
PLACE_SCAN(Py_UCS4, 4)

static PyObject *word_places(PyObject *module, PyObject *args)
{
    PyObject *text;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "Uy*:word_places", &text, &table))
        return NULL;
    const unsigned char *bytes = table.buf;
    if (table.len <= PLACE_HEADER || bytes[table.len - 1] != 0
        || ((const uint16_t *)(bytes + PLACE_STARTS))[PLACE_PAIRS] != table.len - PLACE_HEADER) {
        PyBuffer_Release(&table);
        PyErr_SetString(PyExc_ValueError, "word_places: not a table of speakers.place_table");
        return NULL;
    }
    if (word_unit_codes['a'] == 0)
        fill_word_unit_codes();
    PyObject *out = PyList_New(0);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    int failed = out == NULL ? -1
        : PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND ? place_scan_Py_UCS1(data, n, bytes, out)
        : PyUnicode_KIND(text) == PyUnicode_2BYTE_KIND ? place_scan_Py_UCS2(data, n, bytes, out)
        : place_scan_Py_UCS4(data, n, bytes, out);
    PyBuffer_Release(&table);
    if (failed)
        Py_CLEAR(out);
    return out;
}

PyDoc_STRVAR(word_places_doc,
"word_places(text, table) -> list\n\n"
"WordPlaces.find: the offsets where one of the table's words (speakers.place_table) begins in text\n"
"with no ASCII letter, digit or underscore before it, in order.");

/* ---- Document.utf8_line_starts (provenance/document.py) ----

   Its reference's steps, with memchr: the first line starts at byte 0, each other one byte after the
   first newline at or after the start of the line before (0 where there is none, as bytes.find's -1
   and one). Every document's signature stage asks for them. */

static PyObject *utf8_line_starts(PyObject *module, PyObject *args)
{
    Py_buffer data;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "y*n:utf8_line_starts", &data, &count))
        return NULL;
    PyObject *starts = PyList_New(count > 0 ? count : 1);
    const char *bytes = data.buf;
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; starts != NULL && i < PyList_GET_SIZE(starts); i++) {
        PyObject *number = PyLong_FromSsize_t(start);
        if (number == NULL) {
            Py_CLEAR(starts);
            break;
        }
        PyList_SET_ITEM(starts, i, number);
        const char *newline = memchr(bytes + start, '\n', data.len - start);
        start = newline != NULL ? newline - bytes + 1 : 0;
    }
    PyBuffer_Release(&data);
    return starts;
}

PyDoc_STRVAR(utf8_line_starts_doc,
"utf8_line_starts(utf8, count) -> starts\n\n"
"Document.utf8_line_starts: the byte offset in utf8 where each of its first count lines starts\n"
"(at least one: the first, at 0), each one past the first newline after the start before it.");

/* ---- a text's surrogates (provenance/sources.py) ----

   sources._utf8_encodable's fast path: whether a str holds no surrogate code point (U+D800-U+DFFF),
   the only ones UTF-8 cannot encode, read from its code points rather than by encoding it: a str of
   one-byte characters holds none, the others are scanned. Every record read is asked, twice in a
   run with the template pre-pass. */

/* Code points are read a block at a time, the block's tests gathered without a branch: a loop of a
   fixed count GCC 12 turns into vector instructions at -O2 (a third of the time a loop over the
   whole text took, which it leaves scalar). */
#define SURROGATE_BLOCK 64

/* One scan per code unit width: a surrogate is any unit whose bits above the low 11 read 0xD800. */
#define SURROGATE_SCAN(name, unit, high)                                    \
    static bool name(const unit *chars, Py_ssize_t n)                       \
    {                                                                       \
        Py_ssize_t i = 0;                                                   \
        for (; i + SURROGATE_BLOCK <= n; i += SURROGATE_BLOCK) {            \
            unsigned int found = 0;                                         \
            for (int j = 0; j < SURROGATE_BLOCK; j++)                       \
                found |= (chars[i + j] & (high)) == 0xD800;                 \
            if (found)                                                      \
                return true;                                                \
        }                                                                   \
        for (; i < n; i++)                                                  \
            if ((chars[i] & (high)) == 0xD800)                              \
                return true;                                                \
        return false;                                                       \
    }

SURROGATE_SCAN(ucs2_surrogate, Py_UCS2, 0xF800)
SURROGATE_SCAN(ucs4_surrogate, Py_UCS4, 0xFFFFF800)

static PyObject *utf8_encodable(PyObject *module, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:utf8_encodable", &text))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    bool surrogate = kind == PyUnicode_2BYTE_KIND ? ucs2_surrogate(PyUnicode_2BYTE_DATA(text), n)
                     : kind == PyUnicode_4BYTE_KIND && ucs4_surrogate(PyUnicode_4BYTE_DATA(text), n);
    return PyBool_FromLong(!surrogate);
}

PyDoc_STRVAR(utf8_encodable_doc,
"utf8_encodable(text) -> bool\n\n"
"sources._utf8_encodable: whether text holds no surrogate code point, which UTF-8 cannot encode.");

/* ---- residue: a page's non-blank lines, its decisions made findings, one finding a line ---- */

/* build_page's stripped non-blank lines (page.nonblank_texts, its reference).
   Each document.Line's text as str.strip() leaves it (Py_UNICODE_ISSPACE at both ends), the same
   object when nothing is stripped, and the line's number, for the lines left non-blank. */

static const char *text_line_field_names[2] = {"number", "text"};

/* The stripped text of a str (a new reference), or NULL. */
static PyObject *stripped_text(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)))
        end--;
    return PyUnicode_Substring(text, start, end);
}

/* Appends the line's number and stripped text to the lists when the text is not blank. */
static int add_nonblank(PyObject *line, const Py_ssize_t *offsets, PyObject *numbers, PyObject *texts)
{
    PyObject *number = *(PyObject **)((char *)line + offsets[0]), *text = *(PyObject **)((char *)line + offsets[1]);
    if (number == NULL || text == NULL || !PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "nonblank_texts: each line needs a number and a str text");
        return -1;
    }
    PyObject *stripped = stripped_text(text);
    if (stripped == NULL)
        return -1;
    int failed = PyUnicode_GET_LENGTH(stripped) > 0
                 && (PyList_Append(numbers, number) < 0 || PyList_Append(texts, stripped) < 0);
    Py_DECREF(stripped);
    return failed ? -1 : 0;
}

static PyObject *nonblank_texts(PyObject *module, PyObject *args)
{
    PyObject *lines;
    PyTypeObject *cls;
    Py_ssize_t offsets[2];
    if (!PyArg_ParseTuple(args, "O!O!:nonblank_texts", &PyList_Type, &lines, &PyType_Type, &cls)
        || slot_offsets(cls, text_line_field_names, 2, offsets, "nonblank_texts", "line") < 0)
        return NULL;
    PyObject *numbers = PyList_New(0), *texts = PyList_New(0);
    for (Py_ssize_t i = 0; numbers != NULL && texts != NULL && i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!Py_IS_TYPE(line, cls)) {
            PyErr_SetString(PyExc_TypeError, "nonblank_texts: every line must be of the class given");
            Py_CLEAR(numbers);
        }
        else if (add_nonblank(line, offsets, numbers, texts) < 0)
            Py_CLEAR(numbers);
    }
    return pair_taken(numbers, texts);
}

PyDoc_STRVAR(nonblank_texts_doc,
"nonblank_texts(lines, cls) -> (numbers, texts)\n\n"
"The numbers and stripped texts of the lines (document.Line objects, of class cls) whose text\n"
"str.strip() leaves non-blank.");

/* A detector's decisions as report.Finding objects over their whole lines.
   residue._decision_findings' reference is its Python loop (residue._lines_finding): the fields in the
   order Finding.computed writes them, the message "<rule's message> (<reason>)", the span of the
   lines' text and its excerpt (as excerpt_of cuts it, by the limit and mark it passes), and the model
   made as unvalidated_model makes it. A decision whose last line is empty is left to Python (its
   span ends on the line before: make_finding's), and named in the second list returned. */

#define FINDING_FIELDS 11

static const char *finding_field_names[FINDING_FIELDS] = {
    "rule", "name", "dimension", "severity", "message", "line", "end_line", "start", "end", "excerpt", "points",
};
static PyObject *finding_keys[FINDING_FIELDS];
static PyObject *no_points;  /* 0.0 */
static const char *decision_field_names[3] = {"first", "last", "reason"};
static const char *span_field_names[2] = {"start", "end"};

static int intern_finding_keys(void)
{
    for (int i = 0; i < FINDING_FIELDS; i++) {
        Py_XSETREF(finding_keys[i], PyUnicode_InternFromString(finding_field_names[i]));
        if (finding_keys[i] == NULL)
            return -1;
    }
    no_points = PyFloat_FromDouble(0.0);  /* last: it tells the keys are all there */
    return no_points == NULL ? -1 : 0;
}

/* excerpt_of: text[start:end], and when longer than limit its head and the mark, limit long. */
static PyObject *excerpt_text(PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t limit, PyObject *mark)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    end = end < length ? end : length;
    if (end - start <= limit)
        return PyUnicode_Substring(text, start, end);
    PyObject *head = PyUnicode_Substring(text, start, start + limit - PyUnicode_GET_LENGTH(mark));
    PyObject *excerpt = head == NULL ? NULL : PyUnicode_Concat(head, mark);
    Py_XDECREF(head);
    return excerpt;
}

/* "<message> (<reason>)", written once into a str of the widest kind of the two (each is canonical,
   so the result is). */
static PyObject *joined_text(PyObject *message, PyObject *reason)
{
    Py_ssize_t m = PyUnicode_GET_LENGTH(message), r = PyUnicode_GET_LENGTH(reason);
    Py_UCS4 widest = PyUnicode_MAX_CHAR_VALUE(message) > PyUnicode_MAX_CHAR_VALUE(reason)
                     ? PyUnicode_MAX_CHAR_VALUE(message) : PyUnicode_MAX_CHAR_VALUE(reason);
    PyObject *text = PyUnicode_New(m + r + 3, widest);
    if (text == NULL)
        return NULL;
    int kind = PyUnicode_KIND(text);
    void *data = PyUnicode_DATA(text);
    PyUnicode_CopyCharacters(text, 0, message, 0, m);
    PyUnicode_WRITE(kind, data, m, ' ');
    PyUnicode_WRITE(kind, data, m + 1, '(');
    PyUnicode_CopyCharacters(text, m + 2, reason, 0, r);
    PyUnicode_WRITE(kind, data, m + r + 2, ')');
    return text;
}

/* A model of class cls holding `values` under finding_keys, its fields-set a new set of `fields`. */
static PyObject *finding_model(PyTypeObject *cls, const Py_ssize_t *model_offsets, PyObject *fields,
                               PyObject *const *values)
{
    PyObject *dict = _PyDict_NewPresized(FINDING_FIELDS), *fields_set = PySet_New(fields);
    bool filled = dict != NULL && fields_set != NULL;
    for (int i = 0; filled && i < FINDING_FIELDS; i++)
        filled = PyDict_SetItem(dict, finding_keys[i], values[i]) == 0;
    PyObject *model = filled ? model_from_fields(cls, model_offsets, dict, fields_set) : NULL;
    Py_XDECREF(dict);
    Py_XDECREF(fields_set);
    return model;
}

/* A line's start and end offsets, read from its slots (for decision_findings and hit_findings). */
static int line_span(PyObject *lines, Py_ssize_t number, const Py_ssize_t *offsets, PyObject **start, PyObject **end)
{
    if (number < 1 || number > PyList_GET_SIZE(lines)) {
        PyErr_SetString(PyExc_IndexError, "findings: a line number past the document");
        return -1;
    }
    PyObject *line = PyList_GET_ITEM(lines, number - 1);
    *start = *(PyObject **)((char *)line + offsets[0]);
    *end = *(PyObject **)((char *)line + offsets[1]);
    if (*start == NULL || *end == NULL || !PyLong_Check(*start) || !PyLong_Check(*end)) {
        PyErr_SetString(PyExc_TypeError, "findings: lines with int start and end");
        return -1;
    }
    return 0;
}

typedef struct {
    PyObject *lines, *text, *rule, *fields;  /* rule: (id, name, dimension, severity, message) */
    PyObject *cut_mark;  /* excerpt_of's, and its limit: */
    Py_ssize_t excerpt_limit;
    PyTypeObject *finding;
    Py_ssize_t decision_offsets[3], span_offsets[2], model_offsets[MODEL_SLOTS];
} FindingPlan;

/* The finding of one decision, Py_None when its last line is empty, or NULL. */
static PyObject *decision_finding(const FindingPlan *plan, PyObject *decision)
{
    PyObject *first = *(PyObject **)((char *)decision + plan->decision_offsets[0]);
    PyObject *last = *(PyObject **)((char *)decision + plan->decision_offsets[1]);
    PyObject *reason = *(PyObject **)((char *)decision + plan->decision_offsets[2]);
    if (first == NULL || last == NULL || reason == NULL || !PyLong_Check(first) || !PyLong_Check(last)
        || !PyUnicode_Check(reason)) {
        PyErr_SetString(PyExc_TypeError, "decision_findings: decisions with int first and last and a str reason");
        return NULL;
    }
    PyObject *start, *ignored, *last_start, *end;
    if (line_span(plan->lines, PyLong_AsSsize_t(first), plan->span_offsets, &start, &ignored) < 0
        || line_span(plan->lines, PyLong_AsSsize_t(last), plan->span_offsets, &last_start, &end) < 0)
        return NULL;
    Py_ssize_t from = PyLong_AsSsize_t(start), to = PyLong_AsSsize_t(end);
    if (to == PyLong_AsSsize_t(last_start))
        Py_RETURN_NONE;
    PyObject *message = joined_text(PyTuple_GET_ITEM(plan->rule, 4), reason);
    PyObject *excerpt = message == NULL ? NULL : excerpt_text(plan->text, from, to, plan->excerpt_limit, plan->cut_mark);
    PyObject *finding = NULL;
    if (excerpt != NULL) {
        PyObject *values[FINDING_FIELDS] = {
            PyTuple_GET_ITEM(plan->rule, 0), PyTuple_GET_ITEM(plan->rule, 1), PyTuple_GET_ITEM(plan->rule, 2),
            PyTuple_GET_ITEM(plan->rule, 3), message, first, last, start, end, excerpt, no_points,
        };
        finding = finding_model(plan->finding, plan->model_offsets, plan->fields, values);
    }
    Py_XDECREF(message);
    Py_XDECREF(excerpt);
    return finding;
}

static int finding_plan(FindingPlan *plan, PyTypeObject *decision_cls, PyTypeObject *line_cls)
{
    if (no_points == NULL && intern_finding_keys() < 0)
        return -1;
    if (PyTuple_GET_SIZE(plan->rule) != 5 || !PyUnicode_Check(PyTuple_GET_ITEM(plan->rule, 4))) {
        PyErr_SetString(PyExc_TypeError, "decision_findings: the rule's id, name, dimension, severity and message");
        return -1;
    }
    if (slot_offsets(decision_cls, decision_field_names, 3, plan->decision_offsets, "decision_findings", "decision") < 0
        || slot_offsets(line_cls, span_field_names, 2, plan->span_offsets, "decision_findings", "line") < 0
        || model_slot_offsets(plan->finding, plan->model_offsets) < 0)
        return -1;
    return 0;
}

static PyObject *decision_findings(PyObject *module, PyObject *args)
{
    PyObject *decisions;
    PyTypeObject *decision_cls, *line_cls;
    FindingPlan plan;
    if (!PyArg_ParseTuple(args, "O!O!O!O!UO!O!O!(nU):decision_findings", &PyList_Type, &decisions, &PyType_Type,
                          &decision_cls, &PyList_Type, &plan.lines, &PyType_Type, &line_cls, &plan.text, &PyTuple_Type,
                          &plan.rule, &PyType_Type, &plan.finding, &PyFrozenSet_Type, &plan.fields,
                          &plan.excerpt_limit, &plan.cut_mark)
        || finding_plan(&plan, decision_cls, line_cls) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(decisions);
    PyObject *findings = PyList_New(n), *left = PyList_New(0);
    for (Py_ssize_t i = 0; findings != NULL && left != NULL && i < n; i++) {
        PyObject *decision = PyList_GET_ITEM(decisions, i);
        PyObject *finding = Py_IS_TYPE(decision, decision_cls) ? decision_finding(&plan, decision) : NULL;
        if (finding == NULL && !PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "decision_findings: every decision of the class given");
        PyObject *index = finding == Py_None ? PyLong_FromSsize_t(i) : NULL;
        if (finding == NULL || (finding == Py_None && (index == NULL || PyList_Append(left, index) < 0))) {
            Py_XDECREF(finding);
            Py_CLEAR(findings);
        }
        else
            PyList_SET_ITEM(findings, i, finding);
        Py_XDECREF(index);
    }
    return pair_taken(findings, left);
}

PyDoc_STRVAR(decision_findings_doc,
"decision_findings(decisions, decision_cls, lines, line_cls, text, rule, finding_cls, fields,\n"
"                  (excerpt_limit, cut_mark)) -> (findings, left)\n\n"
"residue's findings of a detector's decisions over their whole lines (document.Line objects of\n"
"the document's text): rule is (id, name, dimension, severity, message), fields the set of field\n"
"names each finding's fields-set copies, excerpt_limit and cut_mark excerpt_of's. Where a\n"
"decision's last line is empty, its item is None and its index is in left.");

/* ---- analyzers.make_findings (provenance/analyzers/__init__.py) ----

   make_finding of each span, its reference being python_make_findings' loop: the lines by
   Document.lines_of's two binary searches of the line starts, the excerpt by excerpt_of, the model
   as finding_model makes decision_findings'. */

/* line_of as Document.line_at reads it (0 as 1), as a Python int. */
static int line_holding(PyObject *starts, Py_ssize_t offset, PyObject **line)
{
    Py_ssize_t number;
    if (line_of(starts, offset, &number) < 0)
        return -1;
    *line = PyLong_FromSsize_t(number > 0 ? number : 1);
    return *line == NULL ? -1 : 0;
}

/* The finding over text[start:end] (0 <= start, 0 <= end), or NULL. */
static PyObject *span_finding(const FindingPlan *plan, PyObject *starts, PyObject *start, PyObject *end)
{
    Py_ssize_t from = PyLong_AsSsize_t(start), to = PyLong_AsSsize_t(end);
    if ((from == -1 || to == -1) && PyErr_Occurred())
        return NULL;
    if (from < 0 || to < 0) {
        PyErr_SetString(PyExc_ValueError, "span_findings: negative offsets");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(plan->text);
    Py_ssize_t cut_from = from < length ? from : length, cut_to = to < length ? to : length;
    PyObject *line = NULL, *end_line = NULL, *excerpt = NULL, *finding = NULL;
    if (line_holding(starts, from, &line) == 0 && line_holding(starts, from > to - 1 ? from : to - 1, &end_line) == 0)
        excerpt = excerpt_text(plan->text, cut_from, cut_to > cut_from ? cut_to : cut_from, plan->excerpt_limit,
                               plan->cut_mark);
    if (excerpt != NULL) {
        PyObject *values[FINDING_FIELDS] = {
            PyTuple_GET_ITEM(plan->rule, 0), PyTuple_GET_ITEM(plan->rule, 1), PyTuple_GET_ITEM(plan->rule, 2),
            PyTuple_GET_ITEM(plan->rule, 3), PyTuple_GET_ITEM(plan->rule, 4), line, end_line, start, end, excerpt,
            no_points,
        };
        finding = finding_model(plan->finding, plan->model_offsets, plan->fields, values);
    }
    Py_XDECREF(line);
    Py_XDECREF(end_line);
    Py_XDECREF(excerpt);
    return finding;
}

static PyObject *span_findings(PyObject *module, PyObject *args)
{
    PyObject *spans, *starts;
    FindingPlan plan;
    if (!PyArg_ParseTuple(args, "O!O!UO!O!O!(nU):span_findings", &PyList_Type, &spans, &PyList_Type, &starts,
                          &plan.text, &PyTuple_Type, &plan.rule, &PyType_Type, &plan.finding, &PyFrozenSet_Type,
                          &plan.fields, &plan.excerpt_limit, &plan.cut_mark))
        return NULL;
    if (no_points == NULL && intern_finding_keys() < 0)
        return NULL;
    if (PyTuple_GET_SIZE(plan.rule) != 5) {
        PyErr_SetString(PyExc_TypeError, "span_findings: the rule's id, name, dimension, severity and message");
        return NULL;
    }
    if (model_slot_offsets(plan.finding, plan.model_offsets) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(spans);
    PyObject *findings = PyList_New(n);
    for (Py_ssize_t i = 0; findings != NULL && i < n; i++) {
        PyObject *span = PyList_GET_ITEM(spans, i), *finding = NULL;
        if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2 || !PyLong_Check(PyTuple_GET_ITEM(span, 0))
            || !PyLong_Check(PyTuple_GET_ITEM(span, 1)))
            PyErr_SetString(PyExc_TypeError, "span_findings: spans of two ints");
        else
            finding = span_finding(&plan, starts, PyTuple_GET_ITEM(span, 0), PyTuple_GET_ITEM(span, 1));
        if (finding == NULL)
            Py_CLEAR(findings);
        else
            PyList_SET_ITEM(findings, i, finding);
    }
    return findings;
}

PyDoc_STRVAR(span_findings_doc,
"span_findings(spans, line_starts, text, rule, finding_cls, fields, (excerpt_limit, cut_mark)) -> list\n\n"
"analyzers.make_findings: make_finding's finding of rule over each (start, end) of spans (ints, none\n"
"negative) in a document's text, whose lines start at line_starts (Document._line_starts): rule is\n"
"(id, name, dimension, severity, message), fields the set of field names each finding's fields-set\n"
"copies, excerpt_limit and cut_mark excerpt_of's.");

/* ---- residue._signature_findings: a dimension's hits as findings over their whole lines ----

   python_signature_findings' reference: each hit (matcher.Hit) whose signature's dimension is the one
   asked for, as Finding.computed makes it from the signature's id, name, dimension, severity and
   message, the hit's line and end_line, the span of those lines (Document.line_span) and its excerpt
   (excerpt_of). The signature's fields are read by attribute, once for a run of hits of one signature. */

static const char *hit_field_names[3] = {"signature", "line", "end_line"};
static const char *rule_field_names[5] = {"id", "name", "dimension", "severity", "message"};
static PyObject *rule_keys[5];

typedef struct {
    PyObject *signature;  /* borrowed: a hit of the list holds it */
    PyObject *values[5];  /* its rule_keys' values */
} RuleFields;

static void clear_rule(RuleFields *rule)
{
    rule->signature = NULL;
    for (int i = 0; i < 5; i++)
        Py_CLEAR(rule->values[i]);
}

static int read_rule(PyObject *signature, RuleFields *rule)
{
    if (signature == rule->signature)
        return 0;
    clear_rule(rule);
    for (int i = 0; i < 5; i++)
        if ((rule->values[i] = PyObject_GetAttr(signature, rule_keys[i])) == NULL)
            return -1;
    rule->signature = signature;
    return 0;
}

/* The finding of a hit over lines first..last of the plan's, or NULL. */
static PyObject *hit_finding(const FindingPlan *plan, const RuleFields *rule, PyObject *first, PyObject *last)
{
    PyObject *start, *ignored, *last_start, *end;
    if (!PyLong_Check(first) || !PyLong_Check(last)) {
        PyErr_SetString(PyExc_TypeError, "hit_findings: hits with int line and end_line");
        return NULL;
    }
    if (line_span(plan->lines, PyLong_AsSsize_t(first), plan->span_offsets, &start, &ignored) < 0
        || line_span(plan->lines, PyLong_AsSsize_t(last), plan->span_offsets, &last_start, &end) < 0)
        return NULL;
    PyObject *excerpt = excerpt_text(plan->text, PyLong_AsSsize_t(start), PyLong_AsSsize_t(end), plan->excerpt_limit,
                                     plan->cut_mark);
    if (excerpt == NULL)
        return NULL;
    PyObject *values[FINDING_FIELDS] = {
        rule->values[0], rule->values[1], rule->values[2], rule->values[3], rule->values[4], first, last, start, end,
        excerpt, no_points,
    };
    PyObject *finding = finding_model(plan->finding, plan->model_offsets, plan->fields, values);
    Py_DECREF(excerpt);
    return finding;
}

/* The findings of the hits of the dimension into `findings`: 0, or -1 on an error. */
static int add_hit_findings(const FindingPlan *plan, PyObject *hits, PyTypeObject *hit_cls, const Py_ssize_t *offsets,
                            PyObject *dimension, PyObject *findings)
{
    RuleFields rule = {NULL, {NULL}};
    int status = 0;
    for (Py_ssize_t i = 0; status == 0 && i < PyList_GET_SIZE(hits); i++) {
        PyObject *hit = PyList_GET_ITEM(hits, i), *values[3];
        if (!Py_IS_TYPE(hit, hit_cls)) {
            PyErr_SetString(PyExc_TypeError, "hit_findings: every hit of the class given");
            status = -1;
            break;
        }
        for (int k = 0; k < 3; k++)
            values[k] = *(PyObject **)((char *)hit + offsets[k]);
        if (values[0] == NULL || values[1] == NULL || values[2] == NULL) {
            PyErr_SetString(PyExc_AttributeError, "hit_findings: a hit without its signature or lines");
            status = -1;
            break;
        }
        if (read_rule(values[0], &rule) < 0) {
            status = -1;
            break;
        }
        int wanted = PyObject_RichCompareBool(rule.values[2], dimension, Py_EQ);
        if (wanted <= 0) {
            status = wanted;
            continue;
        }
        PyObject *finding = hit_finding(plan, &rule, values[1], values[2]);
        status = finding == NULL ? -1 : PyList_Append(findings, finding);
        Py_XDECREF(finding);
    }
    clear_rule(&rule);
    return status;
}

static PyObject *hit_findings(PyObject *module, PyObject *args)
{
    PyObject *hits, *dimension;
    PyTypeObject *hit_cls, *line_cls;
    Py_ssize_t hit_offsets[3];
    FindingPlan plan;
    if (!PyArg_ParseTuple(args, "O!O!UO!O!UO!O!(nU):hit_findings", &PyList_Type, &hits, &PyType_Type, &hit_cls,
                          &dimension, &PyList_Type, &plan.lines, &PyType_Type, &line_cls, &plan.text, &PyType_Type,
                          &plan.finding, &PyFrozenSet_Type, &plan.fields, &plan.excerpt_limit, &plan.cut_mark))
        return NULL;
    if (no_points == NULL && intern_finding_keys() < 0)
        return NULL;
    for (int i = 0; rule_keys[4] == NULL && i < 5; i++)
        if ((rule_keys[i] = PyUnicode_InternFromString(rule_field_names[i])) == NULL)
            return NULL;
    if (slot_offsets(hit_cls, hit_field_names, 3, hit_offsets, "hit_findings", "hit") < 0
        || slot_offsets(line_cls, span_field_names, 2, plan.span_offsets, "hit_findings", "line") < 0
        || model_slot_offsets(plan.finding, plan.model_offsets) < 0)
        return NULL;
    PyObject *findings = PyList_New(0);
    if (findings != NULL && add_hit_findings(&plan, hits, hit_cls, hit_offsets, dimension, findings) < 0)
        Py_CLEAR(findings);
    return findings;
}

PyDoc_STRVAR(hit_findings_doc,
"hit_findings(hits, hit_cls, dimension, lines, line_cls, text, finding_cls, fields,\n"
"             (excerpt_limit, cut_mark)) -> list\n\n"
"residue.python_signature_findings: the finding of each hit (of hit_cls) whose signature is of the\n"
"dimension, over the whole lines (document.Line objects of the document's text) from its line to its\n"
"end_line, fields the set of field names each finding's fields-set copies, excerpt_limit and\n"
"cut_mark excerpt_of's.");

/* One finding per line (residue._first_decision_per_line's loop, its reference).
   Walks the findings in order: one not yet covered is kept whole; one that overlaps covered lines
   keeps its runs of uncovered non-blank lines, as parts (made by Python: model copies); then sorts
   what is kept by (line, rule) as Python's stable sort does, and gives the covered lines but the
   blank ones a part left out. Line numbers are read from each finding's __dict__. */

typedef struct {
    Py_ssize_t line, end_line, order;  /* a part's line and end_line are its run's */
    PyObject *rule, *finding;          /* borrowed */
    bool part;
} KeptItem;

static PyObject *key_line, *key_end_line, *key_rule;

static int intern_line_keys(void)
{
    return (key_line = PyUnicode_InternFromString("line")) == NULL
                   || (key_end_line = PyUnicode_InternFromString("end_line")) == NULL
                   || (key_rule = PyUnicode_InternFromString("rule")) == NULL
               ? -1 : 0;
}

static int kept_before(const void *a, const void *b)
{
    const KeptItem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    int order = PyUnicode_Compare(x->rule, y->rule);  /* str ids: no error */
    if (order != 0)
        return order;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* A finding's line, end_line and rule, from its __dict__. */
static int finding_lines(PyObject *finding, Py_ssize_t *line, Py_ssize_t *end_line, PyObject **rule)
{
    PyObject **dict = _PyObject_GetDictPtr(finding);
    PyObject *first = dict && *dict ? PyDict_GetItemWithError(*dict, key_line) : NULL;
    PyObject *last = first ? PyDict_GetItemWithError(*dict, key_end_line) : NULL;
    *rule = last ? PyDict_GetItemWithError(*dict, key_rule) : NULL;
    if (*rule == NULL || !PyLong_Check(first) || !PyLong_Check(last) || !PyUnicode_Check(*rule)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "first_per_line: findings with int lines and a str rule");
        return -1;
    }
    *line = PyLong_AsSsize_t(first);
    *end_line = PyLong_AsSsize_t(last);
    return *line == -1 || *end_line == -1 ? (PyErr_Occurred() ? -1 : 0) : 0;
}

/* Whether document line `number` (1-based, of `lines`) is blank once stripped. */
static int blank_line(PyObject *lines, Py_ssize_t number, Py_ssize_t text_offset)
{
    if (number < 1 || number > PyList_GET_SIZE(lines)) {
        PyErr_SetString(PyExc_IndexError, "first_per_line: a line number past the document");
        return -1;
    }
    PyObject *text = *(PyObject **)((char *)PyList_GET_ITEM(lines, number - 1) + text_offset);
    if (text == NULL || !PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "first_per_line: lines with a str text");
        return -1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    return 1;
}

typedef struct {
    unsigned char *covered, *left_out;  /* by line number */
    KeptItem *kept;
    Py_ssize_t count;
} FirstPass;

static void keep_item(FirstPass *pass, PyObject *finding, PyObject *rule, Py_ssize_t line, Py_ssize_t end_line,
                      bool part)
{
    pass->kept[pass->count] = (KeptItem){line, end_line, pass->count, rule, finding, part};
    pass->count++;
}

/* The runs of the span's uncovered non-blank lines as parts; its uncovered blank lines left out. */
static int keep_parts(FirstPass *pass, PyObject *finding, PyObject *rule, Py_ssize_t line, Py_ssize_t end_line,
                      PyObject *lines, Py_ssize_t text_offset)
{
    Py_ssize_t run = -1;
    for (Py_ssize_t n = line; n <= end_line + 1; n++) {
        int free = 0;
        if (n <= end_line && !pass->covered[n]) {
            int blank = blank_line(lines, n, text_offset);
            if (blank < 0)
                return -1;
            pass->left_out[n] = (unsigned char)blank;
            free = !blank;
        }
        if (free && run < 0)
            run = n;
        if (!free && run >= 0) {
            keep_item(pass, finding, rule, run, n - 1, true);
            run = -1;
        }
    }
    return 0;
}

static int walk_findings(FirstPass *pass, PyObject *findings, PyObject *lines, Py_ssize_t text_offset)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(findings); i++) {
        PyObject *finding = PyList_GET_ITEM(findings, i), *rule;
        Py_ssize_t line, end_line;
        if (finding_lines(finding, &line, &end_line, &rule) < 0)
            return -1;
        bool disjoint = true;
        for (Py_ssize_t n = line; disjoint && n <= end_line; n++)
            disjoint = !pass->covered[n];
        if (disjoint)
            keep_item(pass, finding, rule, line, end_line, false);
        else if (keep_parts(pass, finding, rule, line, end_line, lines, text_offset) < 0)
            return -1;
        for (Py_ssize_t n = line; n <= end_line; n++)
            pass->covered[n] = 1;
    }
    return 0;
}

/* (kept, parts, covered): kept sorted, a part's place holding its finding, and parts listing
   (place, finding, first, last) for each. */
static PyObject *first_pass_result(FirstPass *pass, Py_ssize_t top)
{
    qsort(pass->kept, pass->count, sizeof(KeptItem), kept_before);
    PyObject *kept = PyList_New(pass->count), *parts = PyList_New(0), *covered = PySet_New(NULL);
    for (Py_ssize_t i = 0; kept != NULL && parts != NULL && covered != NULL && i < pass->count; i++) {
        KeptItem *item = &pass->kept[i];
        PyList_SET_ITEM(kept, i, Py_NewRef(item->finding));
        PyObject *part = item->part ? Py_BuildValue("(nOnn)", i, item->finding, item->line, item->end_line) : NULL;
        if (item->part && (part == NULL || PyList_Append(parts, part) < 0))
            Py_CLEAR(kept);
        Py_XDECREF(part);
    }
    for (Py_ssize_t n = 1; kept != NULL && parts != NULL && covered != NULL && n <= top; n++) {
        if (!pass->covered[n] || pass->left_out[n])
            continue;
        PyObject *number = PyLong_FromSsize_t(n);
        if (number == NULL || PySet_Add(covered, number) < 0)
            Py_CLEAR(covered);
        Py_XDECREF(number);
    }
    PyObject *out = kept && parts && covered ? PyTuple_Pack(3, kept, parts, covered) : NULL;
    Py_XDECREF(kept);
    Py_XDECREF(parts);
    Py_XDECREF(covered);
    return out;
}

static PyObject *first_per_line(PyObject *module, PyObject *args)
{
    PyObject *findings, *lines;
    PyTypeObject *line_cls;
    static const char *text_name[1] = {"text"};
    Py_ssize_t text_offset, top = 0;
    if (!PyArg_ParseTuple(args, "O!O!O!:first_per_line", &PyList_Type, &findings, &PyList_Type, &lines, &PyType_Type,
                          &line_cls)
        || slot_offsets(line_cls, text_name, 1, &text_offset, "first_per_line", "line") < 0)
        return NULL;
    if (key_rule == NULL && intern_line_keys() < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(findings), slots = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *rule;
        Py_ssize_t line, end_line;
        if (finding_lines(PyList_GET_ITEM(findings, i), &line, &end_line, &rule) < 0)
            return NULL;
        if (line < 1 || end_line > PyList_GET_SIZE(lines)) {
            PyErr_SetString(PyExc_IndexError, "first_per_line: a finding's lines past the document");
            return NULL;
        }
        top = end_line > top ? end_line : top;
        slots += end_line >= line ? end_line - line + 1 : 1;  /* a finding keeps at most a part a line */
    }
    FirstPass pass = {PyMem_Calloc(top + 2, 1), PyMem_Calloc(top + 2, 1),
                      PyMem_Malloc((slots + 1) * sizeof(KeptItem)), 0};
    PyObject *out = NULL;
    if (pass.covered == NULL || pass.left_out == NULL || pass.kept == NULL)
        PyErr_NoMemory();
    else if (walk_findings(&pass, findings, lines, text_offset) == 0)
        out = first_pass_result(&pass, top);
    PyMem_Free(pass.covered);
    PyMem_Free(pass.left_out);
    PyMem_Free(pass.kept);
    return out;
}

/* residue._covered: the lines the findings cover, read from their __dict__s. */
static PyObject *covered_lines(PyObject *module, PyObject *args)
{
    PyObject *findings;
    if (!PyArg_ParseTuple(args, "O!:covered_lines", &PyList_Type, &findings))
        return NULL;
    if (key_rule == NULL && intern_line_keys() < 0)
        return NULL;
    PyObject *covered = PySet_New(NULL);
    for (Py_ssize_t i = 0; covered != NULL && i < PyList_GET_SIZE(findings); i++) {
        PyObject *rule;
        Py_ssize_t line, end_line;
        if (finding_lines(PyList_GET_ITEM(findings, i), &line, &end_line, &rule) < 0)
            Py_CLEAR(covered);
        for (Py_ssize_t n = line; covered != NULL && n <= end_line; n++) {
            PyObject *number = PyLong_FromSsize_t(n);
            if (number == NULL || PySet_Add(covered, number) < 0)
                Py_CLEAR(covered);
            Py_XDECREF(number);
        }
    }
    return covered;
}

PyDoc_STRVAR(covered_lines_doc,
"covered_lines(findings) -> set\n\n"
"residue._covered: the line numbers the findings cover, line to end_line.");

PyDoc_STRVAR(first_per_line_doc,
"first_per_line(findings, lines, line_cls) -> (kept, parts, covered)\n\n"
"residue._first_decision_per_line's choice over findings on the document's lines (document.Line\n"
"objects of class line_cls): kept sorted by (line, rule), each part's place holding the finding it\n"
"narrows, listed in parts as (place, finding, first, last); covered: the lines the kept cover.");

/* ---- attribution: the speech verbs at their places, and the white space before relay verbs ----
   _Cues' speech verbs at the places WordPlaces found (speakers.verb_bounds): Lexicons.verb, no word
   character (str.isalnum or _) nor hyphen before or after, each space of a verb a run of white space
   (str.isspace), tried at each place as the pattern tries it: only the verbs of the place's first
   character can match, longest first (Lexicons.verb_groups), and a match skips the places it covers.
   These are the standard library's classes (\w, \s) of a str pattern. speakers._matches_at is the
   reference; tests/test_attribution.py proves that both find the same verbs. */

static bool verb_word_char(Py_UCS4 c)
{
    return c == '_' || c == '-' || Py_UNICODE_ISALNUM(c);
}

/* Where `verb` matched at text[i:] ends, followed by no word character or hyphen; -1 for no match. */
static Py_ssize_t verb_end_at(int kind, const void *data, Py_ssize_t length, Py_ssize_t i, PyObject *verb)
{
    int verb_kind = PyUnicode_KIND(verb);
    const void *verb_data = PyUnicode_DATA(verb);
    for (Py_ssize_t k = 0, n = PyUnicode_GET_LENGTH(verb); k < n; k++) {
        Py_UCS4 v = PyUnicode_READ(verb_kind, verb_data, k);
        if (v == ' ') {
            Py_ssize_t run = i;
            while (i < length && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
                i++;
            if (i == run)
                return -1;
        } else if (i < length && PyUnicode_READ(kind, data, i) == v)
            i++;
        else
            return -1;
    }
    return i < length && verb_word_char(PyUnicode_READ(kind, data, i)) ? -1 : i;
}

/* The verb of `group` (a tuple of str) matching at text[at:], as (at, end) appended to the bounds;
   0 for none, -1 on an error. */
static int verb_at(PyObject *text, Py_ssize_t at, PyObject *group, PyObject *starts, PyObject *ends,
                   Py_ssize_t *end)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t v = 0; v < PyTuple_GET_SIZE(group); v++) {
        PyObject *verb = PyTuple_GET_ITEM(group, v);
        if (!PyUnicode_Check(verb)) {
            PyErr_SetString(PyExc_TypeError, "verbs_at: a verb is not a str");
            return -1;
        }
        Py_ssize_t found = verb_end_at(kind, data, length, at, verb);
        if (found < 0)
            continue;
        PyObject *first = PyLong_FromSsize_t(at), *last = PyLong_FromSsize_t(found);
        int failed = first == NULL || last == NULL || PyList_Append(starts, first) < 0 || PyList_Append(ends, last) < 0;
        Py_XDECREF(first);
        Py_XDECREF(last);
        *end = found;
        return failed ? -1 : 1;
    }
    return 0;
}

static PyObject *verbs_at(PyObject *module, PyObject *args)
{
    PyObject *text, *places, *groups;
    if (!PyArg_ParseTuple(args, "UO!O!:verbs_at", &text, &PyList_Type, &places, &PyDict_Type, &groups))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), end = 0;
    PyObject *starts = PyList_New(0), *ends = PyList_New(0);
    int failed = starts == NULL || ends == NULL;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(places) && !failed; k++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(places, k));
        if (at == -1 && PyErr_Occurred())
            failed = true;
        else if (at < 0 || at > length) {
            PyErr_SetString(PyExc_ValueError, "verbs_at: a place outside the text");
            failed = true;
        } else if (at < end || at == length || (at > 0 && verb_word_char(PyUnicode_READ(kind, data, at - 1))))
            continue;
        else {
            PyObject *first = PyUnicode_FromOrdinal(PyUnicode_READ(kind, data, at));
            PyObject *group = first == NULL ? NULL : PyDict_GetItemWithError(groups, first);
            Py_XDECREF(first);
            if (group == NULL)
                failed = first == NULL || PyErr_Occurred();
            else if (!PyTuple_Check(group)) {
                PyErr_SetString(PyExc_TypeError, "verbs_at: a group of verbs is not a tuple");
                failed = true;
            } else
                failed = verb_at(text, at, group, starts, ends, &end) < 0;
        }
    }
    if (failed)
        Py_CLEAR(starts);
    return pair_taken(starts, ends);
}

PyDoc_STRVAR(verbs_at_doc,
"verbs_at(text, places, groups) -> (starts, ends)\n\n"
"speakers._matches_at of Lexicons.verb at places (ascending offsets): the bounds of the verbs found,\n"
"groups the verbs by first character, each tuple in the order the pattern tries them.");

/* RelayFinder._spaces_before_places: the runs of white space (regex's \s: str.isspace but for
   U+001C..U+001F) ending at each place where one of the relay detector's verbs begins. */

static bool regex_white_space(Py_UCS4 c)
{
    return Py_UNICODE_ISSPACE(c) && (c < 0x1C || c > 0x1F);
}

/* Whether one of `words` (a tuple of str) begins at text[at:], as str.startswith(words, at), each
   compared only where its first character is text[at]'s (at is within the text); -1 on an error. */
static int starts_with_any(PyObject *text, Py_ssize_t at, PyObject *words)
{
    bool inside = at < PyUnicode_GET_LENGTH(text);
    Py_UCS4 first = inside ? PyUnicode_READ_CHAR(text, at) : 0;
    for (Py_ssize_t w = 0; w < PyTuple_GET_SIZE(words); w++) {
        PyObject *word = PyTuple_GET_ITEM(words, w);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "verb_spaces: a verb is not a str");
            return -1;
        }
        if (PyUnicode_GET_LENGTH(word) > 0 && (!inside || PyUnicode_READ_CHAR(word, 0) != first))
            continue;
        Py_ssize_t found = PyUnicode_Tailmatch(text, word, at, PY_SSIZE_T_MAX, -1);
        if (found != 0)
            return found < 0 ? -1 : 1;
    }
    return 0;
}

static PyObject *verb_spaces(PyObject *module, PyObject *args)
{
    PyObject *text, *places, *words;
    if (!PyArg_ParseTuple(args, "UO!O!:verb_spaces", &text, &PyList_Type, &places, &PyTuple_Type, &words))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    PyObject *runs = PyList_New(0);
    for (Py_ssize_t k = 0; runs != NULL && k < PyList_GET_SIZE(places); k++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(places, k)), lo = at;
        if (at == -1 && PyErr_Occurred()) {
            Py_CLEAR(runs);
            break;
        }
        if (at < 0 || at > length) {
            PyErr_SetString(PyExc_ValueError, "verb_spaces: a place outside the text");
            Py_CLEAR(runs);
            break;
        }
        while (lo > 0 && regex_white_space(PyUnicode_READ(kind, data, lo - 1)))
            lo--;
        if (lo == at)
            continue;
        int verb = starts_with_any(text, at, words);
        PyObject *run = verb > 0 ? ssize_pair(lo, at) : NULL;
        if (verb < 0 || (verb > 0 && (run == NULL || PyList_Append(runs, run) < 0)))
            Py_CLEAR(runs);
        Py_XDECREF(run);
    }
    return runs;
}

PyDoc_STRVAR(verb_spaces_doc,
"verb_spaces(text, places, words) -> [(start, end)]\n\n"
"attribution.RelayFinder._spaces_before_places: at each place (an offset) where one of words begins,\n"
"the run of white space ending there, if there is one.");

/* ---- residue: lines ending in given strings, title-like lines ---- */

/* page.ending_with (page.python_ending_with, its reference): the indexes of the texts that end in
   one of `endings` once the characters of `strip` are taken off their end, as
   text.rstrip(strip).endswith(endings) tells. One call for every line of a page, where Python pays a
   method call or two a line, and nearly every line fails. */

/* Whether strip holds the character c: a short string, read in place. */
static bool holds_char(PyObject *strip, Py_UCS4 c)
{
    int kind = PyUnicode_KIND(strip);
    const void *data = PyUnicode_DATA(strip);
    for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(strip); k++)
        if (PyUnicode_READ(kind, data, k) == c)
            return true;
    return false;
}

/* What ending_with reads of its strip and endings once a call: each ending's last character (a text
   that ends in none of them, nearly every text, is passed over without a call), and which characters
   below 256 strip holds. */
#define MAX_LAST_CHARS 8

typedef struct {
    PyObject *strip;
    uint64_t stripped[4];  /* bit c: strip holds character c (< 256) */
    Py_UCS4 lasts[MAX_LAST_CHARS];
    Py_ssize_t n_lasts;    /* -1: too many endings, or an empty one: each text is matched */
} EndingPlan;

static void plan_endings(EndingPlan *plan, PyObject *strip, PyObject *endings)
{
    plan->strip = strip;
    memset(plan->stripped, 0, sizeof plan->stripped);
    for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(strip); k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(strip, k);
        if (c < 256)
            plan->stripped[c >> 6] |= (uint64_t)1 << (c & 63);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(endings);
    plan->n_lasts = n <= MAX_LAST_CHARS ? n : -1;
    for (Py_ssize_t k = 0; plan->n_lasts >= 0 && k < n; k++) {
        PyObject *ending = PyTuple_GET_ITEM(endings, k);
        Py_ssize_t length = PyUnicode_GET_LENGTH(ending);
        if (length == 0)
            plan->n_lasts = -1;
        else
            plan->lasts[k] = PyUnicode_READ_CHAR(ending, length - 1);
    }
}

static bool plan_strips(const EndingPlan *plan, Py_UCS4 c)
{
    return c < 256 ? (plan->stripped[c >> 6] >> (c & 63)) & 1 : holds_char(plan->strip, c);
}

/* The length of text once the characters of strip are taken off its end. */
static Py_ssize_t stripped_end(PyObject *text, const EndingPlan *plan)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t end = PyUnicode_GET_LENGTH(text);
    while (end > 0 && plan_strips(plan, PyUnicode_READ(kind, data, end - 1)))
        end--;
    return end;
}

/* Whether some ending's last character is c (or the plan does not know). */
static bool may_end(const EndingPlan *plan, Py_UCS4 c)
{
    for (Py_ssize_t k = 0; k < plan->n_lasts; k++)
        if (plan->lasts[k] == c)
            return true;
    return plan->n_lasts < 0;
}

/* 1 if text[:end] ends in one of endings, 0 if not, -1 on an error. An ending whose last character
   is not the text's is passed over without a call: nearly every text ends in none. */
static int ends_in(PyObject *text, Py_ssize_t end, PyObject *endings, const EndingPlan *plan)
{
    Py_UCS4 last = end > 0 ? PyUnicode_READ_CHAR(text, end - 1) : 0;
    if (end > 0 && !may_end(plan, last))
        return 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(endings); k++) {
        PyObject *ending = PyTuple_GET_ITEM(endings, k);
        Py_ssize_t length = PyUnicode_GET_LENGTH(ending);
        if (length == 0)
            return 1;
        if (length > end || PyUnicode_READ_CHAR(ending, length - 1) != last)
            continue;
        Py_ssize_t found = PyUnicode_Tailmatch(text, ending, 0, end, 1);
        if (found != 0)
            return (int)found;
    }
    return 0;
}

static PyObject *ending_with(PyObject *module, PyObject *args)
{
    PyObject *texts, *strip, *endings;
    if (!PyArg_ParseTuple(args, "O!UO!:ending_with", &PyList_Type, &texts, &strip, &PyTuple_Type, &endings))
        return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(endings); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(endings, k))) {
            PyErr_SetString(PyExc_TypeError, "ending_with: endings must be a tuple of str");
            return NULL;
        }
    EndingPlan plan;
    plan_endings(&plan, strip, endings);
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = 0; out != NULL && i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "ending_with: texts must be a list of str");
            Py_CLEAR(out);
            break;
        }
        int found = ends_in(text, stripped_end(text, &plan), endings, &plan);
        PyObject *index = found == 1 ? PyLong_FromSsize_t(i) : NULL;
        if (found < 0 || (found == 1 && (index == NULL || PyList_Append(out, index) < 0)))
            Py_CLEAR(out);
        Py_XDECREF(index);
    }
    return out;
}

PyDoc_STRVAR(ending_with_doc,
"ending_with(texts, strip, endings) -> indexes\n\n"
"The indexes of the texts (a list of str) for which text.rstrip(strip).endswith(endings) holds\n"
"(endings: a tuple of str).");

/* page.titled_lines (page.python_titled_lines, its reference): the indexes of the LineInfo objects
   (of class cls, read from its slots) whose key is at least min_chars long, that have at most
   max_words words and do not end a sentence: teaser-block and repeated-line ask it of every line. */

static const char *title_field_names[3] = {"key", "words", "sentence_end"};

/* 1 if the line, whose slots are at offsets, is title-like, 0 if not, -1 on an error. */
static int titled_line(PyObject *line, const Py_ssize_t *offsets, Py_ssize_t min_chars, Py_ssize_t max_words)
{
    PyObject *key = *(PyObject **)((char *)line + offsets[0]), *words = *(PyObject **)((char *)line + offsets[1]),
             *sentence_end = *(PyObject **)((char *)line + offsets[2]);
    if (key == NULL || words == NULL || sentence_end == NULL || !PyUnicode_Check(key) || !PyLong_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "titled_lines: a line without a str key or an int words");
        return -1;
    }
    if (PyUnicode_GET_LENGTH(key) < min_chars)
        return 0;
    int overflow;
    long long count = PyLong_AsLongLongAndOverflow(words, &overflow);
    if (count == -1 && PyErr_Occurred())
        return -1;
    if (overflow > 0 || (overflow == 0 && count > max_words))
        return 0;
    int ends = PyObject_IsTrue(sentence_end);
    return ends < 0 ? -1 : !ends;
}

static PyObject *titled_lines(PyObject *module, PyObject *args)
{
    PyObject *lines;
    PyTypeObject *cls;
    Py_ssize_t min_chars, max_words, offsets[3];
    if (!PyArg_ParseTuple(args, "O!O!nn:titled_lines", &PyList_Type, &lines, &PyType_Type, &cls, &min_chars, &max_words)
        || slot_offsets(cls, title_field_names, 3, offsets, "titled_lines", "line") < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = 0; out != NULL && i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!Py_IS_TYPE(line, cls)) {
            PyErr_SetString(PyExc_TypeError, "titled_lines: lines of another class");
            Py_CLEAR(out);
            break;
        }
        int titled = titled_line(line, offsets, min_chars, max_words);
        PyObject *index = titled == 1 ? PyLong_FromSsize_t(i) : NULL;
        if (titled < 0 || (titled == 1 && (index == NULL || PyList_Append(out, index) < 0)))
            Py_CLEAR(out);
        Py_XDECREF(index);
    }
    return out;
}

PyDoc_STRVAR(titled_lines_doc,
"titled_lines(lines, cls, min_chars, max_words) -> indexes\n\n"
"The indexes of the LineInfo objects of class cls whose key has at least min_chars characters, with\n"
"at most max_words words and no sentence end.");

/* ---- residue: menu-run's title-like lines (provenance/detectors/menus.py) ---- */

/* menus.menu_shaped (menus.python_menu_shaped, its reference): whether each LineInfo object (of class
   cls, read from its slots) has a menu item's shape: 0 < words <= max_words, no sentence end,
   capital_share >= min_capitals, not spaceless, and not several words with text.isupper(). menu-run
   asks it of every line of every page, where Python pays five attribute reads a line. */

static const char *menu_field_names[5] = {"words", "sentence_end", "capital_share", "spaceless", "text"};

/* str.isupper: some cased character, and no lower-case or title-case one. */
static bool all_upper(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    bool cased = false;
    for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(text); k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c))
            return false;
        cased = cased || Py_UNICODE_ISUPPER(c);
    }
    return cased;
}

/* 1 if the line, whose slots are at offsets, has a menu item's shape, 0 if not, -1 on an error. */
static int menu_shaped(PyObject *line, const Py_ssize_t *offsets, long long max_words, double min_capitals)
{
    PyObject *field[5];
    for (int k = 0; k < 5; k++)
        field[k] = *(PyObject **)((char *)line + offsets[k]);
    if (field[0] == NULL || field[1] == NULL || field[2] == NULL || field[3] == NULL || field[4] == NULL
        || !PyLong_Check(field[0]) || !PyFloat_Check(field[2]) || !PyUnicode_Check(field[4])) {
        PyErr_SetString(PyExc_TypeError, "menu_shaped_lines: a line without an int words, a float capital_share or a str text");
        return -1;
    }
    int overflow;
    long long words = PyLong_AsLongLongAndOverflow(field[0], &overflow);
    if (words == -1 && PyErr_Occurred())
        return -1;
    if (overflow != 0 || words <= 0 || words > max_words)
        return 0;
    int ends = PyObject_IsTrue(field[1]);
    if (ends != 0)
        return ends < 0 ? -1 : 0;
    if (!(PyFloat_AS_DOUBLE(field[2]) >= min_capitals))
        return 0;
    int spaceless = PyObject_IsTrue(field[3]);
    if (spaceless != 0)
        return spaceless < 0 ? -1 : 0;
    return !(words > 1 && all_upper(field[4]));
}

static PyObject *menu_shaped_lines(PyObject *module, PyObject *args)
{
    PyObject *lines;
    PyTypeObject *cls;
    long long max_words;
    double min_capitals;
    Py_ssize_t offsets[5];
    if (!PyArg_ParseTuple(args, "O!O!Ld:menu_shaped_lines", &PyList_Type, &lines, &PyType_Type, &cls, &max_words,
                          &min_capitals)
        || slot_offsets(cls, menu_field_names, 5, offsets, "menu_shaped_lines", "line") < 0)
        return NULL;
    PyObject *out = PyList_New(PyList_GET_SIZE(lines));
    for (Py_ssize_t i = 0; out != NULL && i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!Py_IS_TYPE(line, cls)) {
            PyErr_SetString(PyExc_TypeError, "menu_shaped_lines: lines of another class");
            Py_CLEAR(out);
            break;
        }
        int shaped = menu_shaped(line, offsets, max_words, min_capitals);
        if (shaped < 0)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, Py_NewRef(shaped ? Py_True : Py_False));
    }
    return out;
}

PyDoc_STRVAR(menu_shaped_lines_doc,
"menu_shaped_lines(lines, cls, max_words, min_capitals) -> list of bool\n\n"
"Whether each LineInfo object of class cls has a menu item's shape: 0 < words <= max_words, no\n"
"sentence end, capital_share >= min_capitals, not spaceless, and not several words all in capitals.");

static PyMethodDef methods[] = {
    {"stop_table", stop_table, METH_VARARGS, stop_table_doc},
    {"plain_scan", plain_scan, METH_VARARGS, plain_scan_doc},
    {"line_chances", line_chances, METH_VARARGS, line_chances_doc},
    {"likely_lines", likely_lines, METH_VARARGS, likely_lines_doc},
    {"plain_lines", plain_lines, METH_VARARGS, plain_lines_doc},
    {"block_classes", block_classes, METH_VARARGS, block_classes_doc},
    {"revise_classes", revise_classes, METH_VARARGS, revise_classes_doc},
    {"line_blocks", line_blocks, METH_VARARGS, line_blocks_doc},
    {"paired_paragraphs", paired_paragraphs, METH_VARARGS, paired_paragraphs_doc},
    {"speaker_tokens", speaker_tokens, METH_VARARGS, speaker_tokens_doc},
    {"name_mentions", name_mentions, METH_VARARGS, name_mentions_doc},
    {"utf8_offsets", utf8_offsets, METH_VARARGS, utf8_offsets_doc},
    {"line_firsts", line_firsts, METH_VARARGS, line_firsts_doc},
    {"document_lines", document_lines, METH_VARARGS, document_lines_doc},
    {"line_hits", line_hits, METH_VARARGS, line_hits_doc},
    {"ascii_key", (PyCFunction)(void (*)(void))ascii_key, METH_FASTCALL, ascii_key_doc},
    {"model_json", model_json, METH_VARARGS, model_json_doc},
    {"model_json_bytes", model_json_bytes, METH_VARARGS, model_json_bytes_doc},
    {"unvalidated_model", unvalidated_model, METH_VARARGS, unvalidated_model_doc},
    {"speaker_before", speaker_before, METH_VARARGS, speaker_before_doc},
    {"speaker_after", speaker_after, METH_VARARGS, speaker_after_doc},
    {"speaker_after_quotation", speaker_after_quotation, METH_VARARGS, speaker_after_quotation_doc},
    {"speaker_before_quotation", speaker_before_quotation, METH_VARARGS, speaker_before_quotation_doc},
    {"attribute_quotations", attribute_quotations, METH_VARARGS, attribute_quotations_doc},
    {"quotation_screens", quotation_screens, METH_VARARGS, quotation_screens_doc},
    {"paragraph_bounds", paragraph_bounds, METH_VARARGS, paragraph_bounds_doc},
    {"located_quotations", located_quotations, METH_VARARGS, located_quotations_doc},
    {"sentence_end", sentence_end, METH_VARARGS, sentence_end_doc},
    {"fuller_name", fuller_name, METH_VARARGS, fuller_name_doc},
    {"scare_quotes", scare_quotes, METH_VARARGS, scare_quotes_doc},
    {"strongest_features", strongest_features, METH_VARARGS, strongest_features_doc},
    {"article_anchor", article_anchor, METH_VARARGS, article_anchor_doc},
    {"word_places", word_places, METH_VARARGS, word_places_doc},
    {"utf8_line_starts", utf8_line_starts, METH_VARARGS, utf8_line_starts_doc},
    {"utf8_encodable", utf8_encodable, METH_VARARGS, utf8_encodable_doc},
    {"nonblank_texts", nonblank_texts, METH_VARARGS, nonblank_texts_doc},
    {"decision_findings", decision_findings, METH_VARARGS, decision_findings_doc},
    {"span_findings", span_findings, METH_VARARGS, span_findings_doc},
    {"hit_findings", hit_findings, METH_VARARGS, hit_findings_doc},
    {"first_per_line", first_per_line, METH_VARARGS, first_per_line_doc},
    {"covered_lines", covered_lines, METH_VARARGS, covered_lines_doc},
    {"verbs_at", verbs_at, METH_VARARGS, verbs_at_doc},
    {"verb_spaces", verb_spaces, METH_VARARGS, verb_spaces_doc},
    {"ending_with", ending_with, METH_VARARGS, ending_with_doc},
    {"titled_lines", titled_lines, METH_VARARGS, titled_lines_doc},
    {"menu_shaped_lines", menu_shaped_lines, METH_VARARGS, menu_shaped_lines_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastpage", "build_page's per-line features for plain lines, in C.", -1, methods,
};

static int add_template_functions(PyObject *module);  /* the template pre-pass's, at the end of this file */

PyMODINIT_FUNC PyInit__fastpage(void)
{
    fill_ascii_class();
    fill_low_tables();
    fill_json_escapes();
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && (PyModule_AddIntConstant(m, "MAX_LANGUAGES", MAX_LANGUAGES) < 0 || add_template_functions(m) < 0
                      || PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0))
        Py_CLEAR(m);
    return m;
}

/* ---- The template pre-pass (provenance/templates.py) -------------------------------------------

   TemplateCounts.add and counts, in C: a document's line keys (page.line_key), each distinct
   key of at least min_chars characters once, in the order of its first line, hashed as
   hashlib.blake2b(group + b"\0" + key, digest_size=8 * depth) and counted in the count-min sketch
   (conservative update). templates.py is the reference; tests/test_templates_fast.py proves that both
   give the same tables. Lines are keyed here when their characters are ASCII, plain punctuation or
   below KEY_TABLE_CHARS (by a table templates.key_table builds from line_key's own pattern); a line
   with another character (CJK, say) is keyed by the Python callable passed in, line_key itself. */

#include <stdint.h>

#define MAX_DEPTH 8  /* 8 * depth bytes of BLAKE2b digest: at most 64 */

/* BLAKE2b (RFC 7693), after the RFC's reference code (Markku-Juhani O. Saarinen; the RFC's code is
   under the Simplified BSD License, Copyright (c) 2015 IETF Trust and the persons identified as the
   document authors). Unkeyed, for messages under 2**64 bytes: the digest's words are h[], which are
   little-endian, so word i is the i-th 8 bytes of hashlib's digest read as "<Q". */

static const uint64_t blake2b_iv[8] = {
    0x6A09E667F3BCC908ULL, 0xBB67AE8584CAA73BULL, 0x3C6EF372FE94F82BULL, 0xA54FF53A5F1D36F1ULL,
    0x510E527FADE682D1ULL, 0x9B05688C2B3E6C1FULL, 0x1F83D9ABFB41BD6BULL, 0x5BE0CD19137E2179ULL,
};

static const uint8_t blake2b_sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

#define ROTR64(x, y) (((x) >> (y)) ^ ((x) << (64 - (y))))

#define B2B_G(a, b, c, d, x, y)          \
    do {                                 \
        v[a] = v[a] + v[b] + (x);        \
        v[d] = ROTR64(v[d] ^ v[a], 32);  \
        v[c] = v[c] + v[d];              \
        v[b] = ROTR64(v[b] ^ v[c], 24);  \
        v[a] = v[a] + v[b] + (y);        \
        v[d] = ROTR64(v[d] ^ v[a], 16);  \
        v[c] = v[c] + v[d];              \
        v[b] = ROTR64(v[b] ^ v[c], 63);  \
    } while (0)

/* One round, written out for each of the twelve: with the round's number a constant, the message
   words it reads are known where it is compiled (a loop over the rounds read them through
   blake2b_sigma, in a quarter more instructions). */
#define B2B_ROUND(r)                                                      \
    do {                                                                  \
        B2B_G(0, 4, 8, 12, m[blake2b_sigma[r][0]], m[blake2b_sigma[r][1]]);   \
        B2B_G(1, 5, 9, 13, m[blake2b_sigma[r][2]], m[blake2b_sigma[r][3]]);   \
        B2B_G(2, 6, 10, 14, m[blake2b_sigma[r][4]], m[blake2b_sigma[r][5]]);  \
        B2B_G(3, 7, 11, 15, m[blake2b_sigma[r][6]], m[blake2b_sigma[r][7]]);  \
        B2B_G(0, 5, 10, 15, m[blake2b_sigma[r][8]], m[blake2b_sigma[r][9]]);  \
        B2B_G(1, 6, 11, 12, m[blake2b_sigma[r][10]], m[blake2b_sigma[r][11]]); \
        B2B_G(2, 7, 8, 13, m[blake2b_sigma[r][12]], m[blake2b_sigma[r][13]]);  \
        B2B_G(3, 4, 9, 14, m[blake2b_sigma[r][14]], m[blake2b_sigma[r][15]]);  \
    } while (0)

static uint64_t load64_le(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24
           | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* One 128-byte block into the state h; `counted`: the message bytes up to the block's end. */
static void blake2b_compress(uint64_t h[8], const unsigned char *block, uint64_t counted, bool last)
{
    uint64_t v[16], m[16];
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = blake2b_iv[i];
    }
    v[12] ^= counted;
    if (last)
        v[14] = ~v[14];
    for (int i = 0; i < 16; i++)
        m[i] = load64_le(block + 8 * i);
    B2B_ROUND(0);
    B2B_ROUND(1);
    B2B_ROUND(2);
    B2B_ROUND(3);
    B2B_ROUND(4);
    B2B_ROUND(5);
    B2B_ROUND(6);
    B2B_ROUND(7);
    B2B_ROUND(8);
    B2B_ROUND(9);
    B2B_ROUND(10);
    B2B_ROUND(11);
    for (int i = 0; i < 8; i++)
        h[i] ^= v[i] ^ v[i + 8];
}

/* The unkeyed BLAKE2b state after the whole message, for a digest of `digest_size` (1..64) bytes. */
static void blake2b_words(const unsigned char *message, size_t length, size_t digest_size, uint64_t h[8])
{
    unsigned char last[128] = {0};
    uint64_t counted = 0;
    memcpy(h, blake2b_iv, sizeof blake2b_iv);
    h[0] ^= 0x01010000 ^ digest_size;
    for (; length > 128; message += 128, length -= 128)  /* the last block is the final one, even if full */
        blake2b_compress(h, message, counted += 128, false);
    memcpy(last, message, length);
    blake2b_compress(h, last, counted + length, true);
}

/* What one call shares: the sketch (as the array's buffer) and the message being hashed, which
   starts with the group and its "\0". */
typedef struct {
    uint32_t *cells;
    Py_ssize_t width;
    int depth;
    unsigned char *message;
    Py_ssize_t prefix, message_size;
} Sketch;

static int grow_bytes(unsigned char **buffer, Py_ssize_t *size, Py_ssize_t needed)
{
    if (needed <= *size)
        return 0;
    Py_ssize_t grown = needed > 2 * *size ? needed : 2 * *size;
    unsigned char *bytes = PyMem_Realloc(*buffer, grown);
    if (bytes == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *buffer = bytes;
    *size = grown;
    return 0;
}

/* The table (width * depth unsigned 32-bit counters, one after the other: an array('I'), or a view
   cast to 'I') and the group, as a Sketch; -1 with an error set, the buffer released. */
static int open_sketch(Sketch *sketch, Py_buffer *view, PyObject *table, Py_ssize_t width, int depth,
                       const char *group, Py_ssize_t group_length)
{
    if (width < 1 || depth < 1 || depth > MAX_DEPTH) {
        PyErr_Format(PyExc_ValueError, "the sketch needs a width of at least 1 and a depth of 1 to %d", MAX_DEPTH);
        return -1;
    }
    if (PyObject_GetBuffer(table, view, PyBUF_WRITABLE | PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (view->itemsize != 4 || strcmp(view->format, "I") != 0 || view->len / 4 / width < depth) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "the table must hold width * depth counters of format 'I'");
        return -1;
    }
    *sketch = (Sketch){view->buf, width, depth, NULL, group_length + 1, 0};
    if (grow_bytes(&sketch->message, &sketch->message_size, group_length + 1 + 64) < 0) {
        PyBuffer_Release(view);
        return -1;
    }
    memcpy(sketch->message, group, group_length);
    sketch->message[group_length] = '\0';
    return 0;
}

static void close_sketch(Sketch *sketch, Py_buffer *view)
{
    PyMem_Free(sketch->message);
    PyBuffer_Release(view);
}

/* A document's distinct keys in the order of their first line: their bytes one after the other in
   `bytes`, found again through an open-addressing index of entry numbers (0: an empty slot). */
typedef struct {
    Py_ssize_t start, length;
    size_t hash;
} KeyEntry;

typedef struct {
    unsigned char *bytes;
    Py_ssize_t used, size;
    KeyEntry *entries;
    Py_ssize_t count, capacity;
    Py_ssize_t *index;
    size_t index_mask;
} KeySet;

/* Room for a key of up to `length` bytes after the keys held. */
static int keyset_reserve(KeySet *keys, Py_ssize_t length)
{
    return grow_bytes(&keys->bytes, &keys->size, keys->used + length);
}

/* A hash of a key, 8 bytes at a time: the keys are whole lines, paragraphs among them, and a hash
   of a byte at a time (hash_bytes) would take longer than the line's scan. */
static size_t key_hash(const unsigned char *key, Py_ssize_t length)
{
    uint64_t hash = (uint64_t)length * 0x9E3779B97F4A7C15ULL, word;
    for (; length >= 8; key += 8, length -= 8) {
        memcpy(&word, key, 8);
        hash = (hash ^ word) * 0xFF51AFD7ED558CCDULL;
        hash ^= hash >> 32;
    }
    word = 0;
    memcpy(&word, key, length);
    hash = (hash ^ word) * 0xFF51AFD7ED558CCDULL;
    return (size_t)(hash ^ hash >> 32);
}

static Py_ssize_t *keyset_slot(const KeySet *keys, const unsigned char *key, Py_ssize_t length, size_t hash)
{
    for (size_t i = hash & keys->index_mask;; i = (i + 1) & keys->index_mask) {
        Py_ssize_t entry = keys->index[i];
        if (entry == 0)
            return &keys->index[i];
        const KeyEntry *held = &keys->entries[entry - 1];
        if (held->hash == hash && held->length == length && memcmp(keys->bytes + held->start, key, length) == 0)
            return &keys->index[i];
    }
}

/* An index of twice the entries' capacity, so that it is never more than half full. */
static int keyset_grow(KeySet *keys)
{
    Py_ssize_t capacity = keys->capacity ? 2 * keys->capacity : 64;
    KeyEntry *entries = PyMem_Realloc(keys->entries, capacity * sizeof(KeyEntry));
    Py_ssize_t *index = PyMem_Calloc(2 * capacity, sizeof(Py_ssize_t));
    if (entries == NULL || index == NULL) {
        PyMem_Free(index);
        keys->entries = entries != NULL ? entries : keys->entries;
        PyErr_NoMemory();
        return -1;
    }
    PyMem_Free(keys->index);
    keys->entries = entries;
    keys->capacity = capacity;
    keys->index = index;
    keys->index_mask = 2 * capacity - 1;
    for (Py_ssize_t i = 0; i < keys->count; i++) {
        const KeyEntry *entry = &keys->entries[i];
        *keyset_slot(keys, keys->bytes + entry->start, entry->length, entry->hash) = i + 1;
    }
    return 0;
}

/* Keeps the key just written after the keys held (`length` bytes), unless it is held already. */
static int keyset_commit(KeySet *keys, Py_ssize_t length)
{
    if (keys->count == keys->capacity && keyset_grow(keys) < 0)
        return -1;
    const unsigned char *key = keys->bytes + keys->used;
    size_t hash = key_hash(key, length);
    Py_ssize_t *slot = keyset_slot(keys, key, length, hash);
    if (*slot != 0)
        return 0;
    keys->entries[keys->count] = (KeyEntry){keys->used, length, hash};
    *slot = ++keys->count;
    keys->used += length;
    return 0;
}

static void keyset_free(KeySet *keys)
{
    PyMem_Free(keys->bytes);
    PyMem_Free(keys->entries);
    PyMem_Free(keys->index);
}

/* Where the line that starts at `start` ends: the next "\n", or the text's end. */
static Py_ALWAYS_INLINE inline Py_ssize_t line_end(int kind, const void *data, Py_ssize_t start, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *found = memchr((const Py_UCS1 *)data + start, '\n', n - start);
        return found != NULL ? found - (const Py_UCS1 *)data : n;
    }
    while (start < n && PyUnicode_READ(kind, data, start) != '\n')
        start++;
    return start;
}

/* A key character (KEY_PART) lower-cased, a space for any other ASCII character. */
static unsigned char key_byte[128];

static void fill_key_byte(void)
{
    for (int c = 0; c < 128; c++)
        key_byte[c] = ascii_class[c] & KEY_PART ? (unsigned char)ascii_lower(c) : ' ';
}

/* The key table (templates.key_table): for each character below KEY_TABLE_CHARS, a slot of
   KEY_SLOT bytes: how many bytes it adds to a key (KEY_SLOT or more, as 0xFF: it is left to key_of),
   then those bytes: its case-folded characters in UTF-8, SEPARATOR_BYTE for one that is not
   a word character. */
#define KEY_TABLE_CHARS 0x800
#define KEY_SLOT 8
#define SEPARATOR_BYTE 0xFF  /* never a byte of UTF-8 */

/* What a character adds to the key being built (out, *length), by its table slot: as line_key_bytes
   adds an ASCII character, a space after a key run when a separator ends it. */
static Py_ALWAYS_INLINE inline void add_table_char(unsigned char *out, Py_ssize_t *length, bool *in_key,
                                                   const unsigned char *slot)
{
    for (int i = 1; i <= slot[0]; i++) {
        bool is_key = slot[i] != SEPARATOR_BYTE;
        out[*length] = is_key ? slot[i] : ' ';
        *length += is_key | *in_key;
        *in_key = is_key;
    }
}

static Py_ssize_t utf8_chars(const unsigned char *bytes, Py_ssize_t length)
{
    Py_ssize_t chars = 0;
    for (Py_ssize_t i = 0; i < length; i++)
        chars += (bytes[i] & 0xC0) != 0x80;
    return chars;
}

/* One line's key, from `start` to its end (set in *end), written after the keys held as line_key has
   it: ASCII characters and page._PLAIN_PUNCTUATION as _plain_key reads them (the punctuation is no
   word character, and case-folds to itself, so a line that is not plain reads it so too), other
   characters by the key table. Its length in characters in *chars; -1: a character is left to key_of.
   ASCII characters go without a branch on whether they are key characters (a word's end would be
   mispredicted): a key run is written with the space after it, which the separator that ends it
   writes, and the line's last such space is taken back at its end. */
static Py_ALWAYS_INLINE inline Py_ssize_t line_key_bytes(KeySet *keys, const unsigned char *table, int kind,
                                                         const void *data, Py_ssize_t start, Py_ssize_t n,
                                                         Py_ssize_t *end, Py_ssize_t *chars)
{
    unsigned char *out = keys->bytes + keys->used;
    Py_ssize_t length = 0, i = start;
    bool in_key = false, multibyte = false;
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 128) {
            if (c < KEY_TABLE_CHARS && table[c * KEY_SLOT] < KEY_SLOT && !is_plain_punctuation(c)) {
                /* up to KEY_SLOT bytes for this character (a space among them), and room for the rest */
                if (grow_bytes(&keys->bytes, &keys->size, keys->used + length + KEY_SLOT + (n - i)) < 0)
                    return -2;
                out = keys->bytes + keys->used;
                add_table_char(out, &length, &in_key, table + c * KEY_SLOT);
                multibyte = true;
                continue;
            }
            if (!is_plain_punctuation(c)) {
                *end = line_end(kind, data, i, n);
                return -1;
            }
            c = ' ';
        }
        else if (c == '\n')
            break;
        unsigned char k = key_byte[c];
        bool is_key = k != ' ';
        out[length] = k;
        length += is_key | in_key;
        in_key = is_key;
    }
    *end = i;
    length -= length > 0 && !in_key;
    *chars = multibyte ? utf8_chars(out, length) : length;
    return length;
}

/* The key of a line with a character the table does not hold, by key_of (line_key), written after
   the keys held as UTF-8 (surrogates passed through, as templates.py encodes them); its length in
   characters in *chars. */
static Py_ssize_t called_line_key(KeySet *keys, PyObject *key_of, PyObject *text, Py_ssize_t start, Py_ssize_t end,
                                  Py_ssize_t *chars)
{
    PyObject *line = PyUnicode_Substring(text, start, end);
    PyObject *key = line == NULL ? NULL : PyObject_CallOneArg(key_of, line);
    Py_XDECREF(line);
    if (key == NULL)
        return -1;
    if (!PyUnicode_Check(key)) {
        Py_DECREF(key);
        PyErr_SetString(PyExc_TypeError, "key_of must return a str");
        return -1;
    }
    *chars = PyUnicode_GET_LENGTH(key);
    PyObject *encoded = PyUnicode_AsEncodedString(key, "utf-8", "surrogatepass");
    Py_DECREF(key);
    if (encoded == NULL)
        return -1;
    Py_ssize_t length = PyBytes_GET_SIZE(encoded);
    if (keyset_reserve(keys, length) < 0) {
        Py_DECREF(encoded);
        return -1;
    }
    memcpy(keys->bytes + keys->used, PyBytes_AS_STRING(encoded), length);
    Py_DECREF(encoded);
    return length;
}

/* Whether the line from `start` has more than `most` words for certain (templates.over_words): more
   than `most` ASCII letters or digits open the line or follow an ASCII space, tab, vertical tab, form
   feed or carriage return, and each of those opens a word of page._WORD. *end is then the line's end. */
static Py_ALWAYS_INLINE inline bool over_words(int kind, const void *data, Py_ssize_t start, Py_ssize_t n,
                                               Py_ssize_t most, Py_ssize_t *end)
{
    Py_ssize_t opened = 0;
    bool after_space = true;
    for (Py_ssize_t i = start; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '\n')
            return false;
        if (after_space && c < 128 && (ascii_class[c] & WORD_START) && ++opened > most) {
            *end = line_end(kind, data, i, n);
            return true;
        }
        after_space = c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
    }
    return false;
}

/* Every line's key, kept when it has at least min_chars characters; the lines as
   Document.line_texts has them: text.split("\n"), but for the empty remainder after a final newline.
   A line with more than max_words words for certain (over_words; max_words < 0: no limit) has no key.
   One function per kind of str, so that each reads its characters directly. */
static Py_ALWAYS_INLINE inline int kind_keys(KeySet *keys, PyObject *text, int kind, Py_ssize_t min_chars,
                                             Py_ssize_t max_words, PyObject *key_of, const unsigned char *table)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t start = 0, end;; start = end + 1) {
        if (max_words >= 0 && over_words(kind, data, start, n, max_words, &end)) {
            if (end + 1 >= n)
                return 0;
            continue;
        }
        if (keyset_reserve(keys, n - start + 1) < 0)  /* an ASCII character adds at most one byte to a key */
            return -1;
        Py_ssize_t chars, length = line_key_bytes(keys, table, kind, data, start, n, &end, &chars);
        if (length == -1)
            length = called_line_key(keys, key_of, text, start, end, &chars);
        if (length < 0)
            return -1;
        if (chars >= min_chars && keyset_commit(keys, length) < 0)
            return -1;
        if (end + 1 >= n)
            return 0;
    }
}

static int document_keys(KeySet *keys, PyObject *text, Py_ssize_t min_chars, Py_ssize_t max_words,
                         PyObject *key_of, const unsigned char *table)
{
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return kind_keys(keys, text, PyUnicode_1BYTE_KIND, min_chars, max_words, key_of, table);
    case PyUnicode_2BYTE_KIND:
        return kind_keys(keys, text, PyUnicode_2BYTE_KIND, min_chars, max_words, key_of, table);
    default:
        return kind_keys(keys, text, PyUnicode_4BYTE_KIND, min_chars, max_words, key_of, table);
    }
}

/* A digest word % width: by a mask when the width is a power of two (the rules' is), as the division
   takes tens of cycles, four times a key. */
static Py_ALWAYS_INLINE inline uint64_t column(uint64_t word, Py_ssize_t width)
{
    uint64_t w = (uint64_t)width;
    return (w & (w - 1)) == 0 ? word & (w - 1) : word % w;
}

/* The counters of one key, one per row: row * width + (the row's digest word) % width. They are
   fetched into the cache ahead of their use: a document's keys are hashed first, then counted, so
   that the reads of the table (16 MB, at random places) overlap. */
static int key_cells(Sketch *sketch, const unsigned char *key, Py_ssize_t length, uint32_t **cells)
{
    uint64_t h[8];
    if (grow_bytes(&sketch->message, &sketch->message_size, sketch->prefix + length) < 0)
        return -1;
    memcpy(sketch->message + sketch->prefix, key, length);
    blake2b_words(sketch->message, sketch->prefix + length, 8 * sketch->depth, h);
    for (int row = 0; row < sketch->depth; row++) {
        cells[row] = sketch->cells + row * sketch->width + (Py_ssize_t)column(h[row], sketch->width);
#if defined(__GNUC__)
        __builtin_prefetch(cells[row], 1);
#endif
    }
    return 0;
}

static uint32_t smallest(uint32_t *const *cells, int depth)
{
    uint32_t least = *cells[0];
    for (int row = 1; row < depth; row++)
        least = *cells[row] < least ? *cells[row] : least;
    return least;
}

/* Conservative update: every counter of the key below its new estimate (their minimum + 1) rises to it. */
static void raise_cells(uint32_t *const *cells, int depth)
{
    uint32_t floor = smallest(cells, depth) + 1;
    for (int row = 0; row < depth; row++)
        if (*cells[row] < floor)
            *cells[row] = floor;
}

/* The counters of each of the document's keys, in their order, all hashed (and fetched ahead) before
   any is read; NULL with an exception set. For the caller to release with PyMem_Free. */
static uint32_t **keyset_cells(Sketch *sketch, const KeySet *keys)
{
    uint32_t **cells = PyMem_Malloc((keys->count * sketch->depth + 1) * sizeof(uint32_t *));
    if (cells == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < keys->count; i++) {
        const KeyEntry *entry = &keys->entries[i];
        if (key_cells(sketch, keys->bytes + entry->start, entry->length, cells + i * sketch->depth) < 0) {
            PyMem_Free(cells);
            return NULL;
        }
    }
    return cells;
}

/* The document's keys into the sketch, in their order: all hashed, then all counted. */
static int count_keys(Sketch *sketch, const KeySet *keys)
{
    uint32_t **cells = keyset_cells(sketch, keys);
    if (cells == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < keys->count; i++)
        raise_cells(cells + i * sketch->depth, sketch->depth);
    PyMem_Free(cells);
    return 0;
}

/* The smallest counter of each of n keys' cells, as a list. */
static PyObject *smallest_list(uint32_t *const *cells, Py_ssize_t n, int depth)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        PyObject *count = PyLong_FromUnsignedLong(smallest(cells + i * depth, depth));
        if (count == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, count);
    }
    return list;
}

/* The document's keys' smallest counters, in their order (what TemplateCounts.counts reads of them). */
static PyObject *key_holdings(Sketch *sketch, const KeySet *keys)
{
    uint32_t **cells = keyset_cells(sketch, keys);
    if (cells == NULL)
        return NULL;
    PyObject *holdings = smallest_list(cells, keys->count, sketch->depth);
    PyMem_Free(cells);
    return holdings;
}

/* template_add and template_holdings: the document's keys into the sketch (count) or, read only,
   their holdings (a list). */
static PyObject *document_in_sketch(PyObject *args, const char *format, bool count)
{
    PyObject *table, *text, *key_of;
    Py_ssize_t width, min_chars, max_words, group_length, key_table_length;
    int depth;
    const char *group, *key_table;
    if (!PyArg_ParseTuple(args, format, &table, &width, &depth, &min_chars, &max_words, &group, &group_length,
                          &text, &key_of, &key_table, &key_table_length))
        return NULL;
    if (key_table_length != KEY_TABLE_CHARS * KEY_SLOT) {
        PyErr_Format(PyExc_ValueError, "the key table has %d slots of %d bytes", KEY_TABLE_CHARS, KEY_SLOT);
        return NULL;
    }
    Sketch sketch;
    Py_buffer view;
    if (open_sketch(&sketch, &view, table, width, depth, group, group_length) < 0)
        return NULL;
    KeySet keys = {0};
    PyObject *result = NULL;
    if (document_keys(&keys, text, min_chars, max_words, key_of, (const unsigned char *)key_table) == 0) {
        if (!count)
            result = key_holdings(&sketch, &keys);
        else if (count_keys(&sketch, &keys) == 0)
            result = Py_NewRef(Py_None);
    }
    keyset_free(&keys);
    close_sketch(&sketch, &view);
    return result;
}

static PyObject *template_add(PyObject *module, PyObject *args)
{
    return document_in_sketch(args, "Oninn" "y#UOy#:template_add", true);
}

static PyObject *template_holdings(PyObject *module, PyObject *args)
{
    return document_in_sketch(args, "Oninn" "y#UOy#:template_holdings", false);
}

/* A key's UTF-8 (lone surrogates passed through, as templates.py encodes them): an ASCII str's own
   characters, else a bytes object set in *encoded, for the caller to release. */
static const char *key_utf8(PyObject *key, Py_ssize_t *length, PyObject **encoded)
{
    *encoded = NULL;
    if (PyUnicode_IS_ASCII(key)) {
        *length = PyUnicode_GET_LENGTH(key);
        return (const char *)PyUnicode_DATA(key);
    }
    if ((*encoded = PyUnicode_AsEncodedString(key, "utf-8", "surrogatepass")) == NULL)
        return NULL;
    *length = PyBytes_GET_SIZE(*encoded);
    return PyBytes_AS_STRING(*encoded);
}

/* Each key's counters, all hashed (and fetched ahead) before any is read, as count_keys does. */
static int keys_cells(Sketch *sketch, PyObject *keys, uint32_t **cells)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i), *encoded;
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "template_counts: the keys must be str");
            return -1;
        }
        Py_ssize_t length;
        const char *bytes = key_utf8(key, &length, &encoded);
        int status = bytes == NULL
                     ? -1 : key_cells(sketch, (const unsigned char *)bytes, length, cells + i * sketch->depth);
        Py_XDECREF(encoded);
        if (status < 0)
            return -1;
    }
    return 0;
}

static PyObject *template_counts(PyObject *module, PyObject *args)
{
    PyObject *table, *keys;
    Py_ssize_t width, group_length;
    int depth;
    const char *group;
    if (!PyArg_ParseTuple(args, "Oniy#O!:template_counts", &table, &width, &depth, &group, &group_length,
                          &PyList_Type, &keys))
        return NULL;
    Sketch sketch;
    Py_buffer view;
    if (open_sketch(&sketch, &view, table, width, depth, group, group_length) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(keys);
    uint32_t **cells = PyMem_Malloc((n * depth + 1) * sizeof(uint32_t *));
    PyObject *counts = cells == NULL ? PyErr_NoMemory() : keys_cells(&sketch, keys, cells) < 0 ? NULL
                       : smallest_list(cells, n, depth);
    PyMem_Free(cells);
    close_sketch(&sketch, &view);
    return counts;
}

static PyObject *blake2b_digest(PyObject *module, PyObject *args)
{
    const char *data;
    Py_ssize_t length;
    int digest_size;
    if (!PyArg_ParseTuple(args, "y#i:blake2b", &data, &length, &digest_size))
        return NULL;
    if (digest_size < 1 || digest_size > 64) {
        PyErr_SetString(PyExc_ValueError, "blake2b: a digest of 1 to 64 bytes");
        return NULL;
    }
    uint64_t h[8];
    unsigned char digest[64];
    blake2b_words((const unsigned char *)data, length, digest_size, h);
    for (int i = 0; i < digest_size; i++)
        digest[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
    return PyBytes_FromStringAndSize((const char *)digest, digest_size);
}

static PyMethodDef template_methods[] = {
    {"template_add", template_add, METH_VARARGS,
     PyDoc_STR("template_add(table, width, depth, min_chars, max_words, group, text, key_of, key_table)\n\n"
               "TemplateCounts.add for one document: each distinct line key of text (of at least min_chars\n"
               "characters, of a line not over max_words words: templates.over_words; -1: any) counted once in table, a C-contiguous buffer of width * depth counters of format 'I'\n"
               "(TemplateCounts.table), for group (UTF-8\n"
               "bytes). Characters below KEY_TABLE_CHARS are keyed by key_table (KEY_SLOT bytes each); a line\n"
               "with another character that is not plain, by key_of(line).")},
    {"template_holdings", template_holdings, METH_VARARGS,
     PyDoc_STR("template_holdings(table, width, depth, min_chars, max_words, group, text, key_of, key_table)\n"
               "-> list of int\n\n"
               "TemplateCounts.holdings_of: the smallest counters of each key template_add would count for\n"
               "text, in the same order, the table only read.")},
    {"template_counts", template_counts, METH_VARARGS,
     PyDoc_STR("template_counts(table, width, depth, group, keys) -> list of int\n\n"
               "TemplateCounts.counts: for each key of the list, the smallest of its counters (group: UTF-8\n"
               "bytes).")},
    {"blake2b", blake2b_digest, METH_VARARGS,
     PyDoc_STR("blake2b(data, digest_size) -> bytes\n\n"
               "hashlib.blake2b(data, digest_size=digest_size).digest(), as template_add hashes.")},
    {NULL, NULL, 0, NULL},
};

static int add_template_functions(PyObject *module)
{
    fill_key_byte();
    if (PyModule_AddIntConstant(module, "KEY_TABLE_CHARS", KEY_TABLE_CHARS) < 0
        || PyModule_AddIntConstant(module, "KEY_SLOT", KEY_SLOT) < 0)
        return -1;
    return PyModule_AddFunctions(module, template_methods);
}
