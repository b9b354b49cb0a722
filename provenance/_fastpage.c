/* build_page's per-line features, in C, for "plain" lines: ASCII but for page._PLAIN_PUNCTUATION.

   provenance/detectors/page.py is the reference and the fallback when this module is missing;
   tests/test_fastpage.py proves that both give the same pages. On a plain line:
   - a word is [A-Za-z0-9][A-Za-z0-9'’_-]* and case-folds by ASCII lower-casing (’ folds to itself);
   - a letter is [A-Za-z], a digit [0-9]: no plain punctuation is either;
   - the key is the line's [A-Za-z0-9_] runs lower-cased, joined by one space (page._plain_key). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <string.h>

#define MAX_LANGUAGES 32
/* The sha256 of this file, passed by hatch_build.py: page.py uses a module built from this very
   source only, so an editable install whose .c changed since it was built falls back to Python. */
#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST ""
#endif
#define RIGHT_QUOTE 0x2019 /* ’, the one non-ASCII character a plain word may hold */

enum { LETTER = 1, UPPER = 2, DIGIT = 4, WORD_START = 8, WORD_PART = 16, KEY_PART = 32 };

static unsigned char ascii_class[128];

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
}

/* Case-folds a word character: only ASCII letters change. */
static Py_UCS4 ascii_lower(Py_UCS4 c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int char_class(Py_UCS4 c)
{
    if (c < 128)
        return ascii_class[c];
    return c == RIGHT_QUOTE ? WORD_PART : 0;
}

/* page._PLAIN_PUNCTUATION (a test compares the two on every character of the BMP). */
static bool is_plain_punctuation(Py_UCS4 c)
{
    switch (c) {
    case 0x2019: case 0x2018: case 0x201C: case 0x201D: case 0x2013: case 0x2014: case 0x2026:
    case 0x2022: case 0x00B7: case 0x00AB: case 0x00BB: case 0x00A0: case 0x00A9: case 0x00AE:
    case 0x2122: case 0x20AC: case 0x00A3: case 0x00B0: case 0x2032: case 0x2033: case 0x203A:
    case 0x2039: case 0x2502:
        return true;
    default:
        return false;
    }
}

static bool is_plain(PyObject *text)
{
    if (PyUnicode_IS_ASCII(text))
        return true;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 128 && !is_plain_punctuation(c))
            return false;
    }
    return true;
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

/* A first character page._BULLET can match: one of -–—•*·▪►» or a digit (on a plain line, [0-9]). */
static bool may_start_bullet(Py_UCS4 c)
{
    return c == '-' || c == 0x2013 || c == 0x2014 || c == 0x2022 || c == '*' || c == 0x00B7 || c == 0x25AA
           || c == 0x25BA || c == 0x00BB || (c >= '0' && c <= '9');
}

/* The stop lists as a C hash table (open addressing, linear probing): each case-folded stop word a
   plain word can be (ASCII and ’ only, ’ stored as the byte 0x80), with the bit mask of the lists
   holding it. Built once per set of stop lists (stop_table), so a word is looked up without making
   a str of it; a stop word no plain word can be is left out, as it would never be found. */
#define STOP_TABLE "provenance._fastpage.StopTable"
#define QUOTE_BYTE 0x80

typedef struct {
    Py_ssize_t start, length;  /* the word's bytes in `bytes`; length -1: an empty slot */
    unsigned long mask;
} StopSlot;

typedef struct {
    int languages;
    Py_ssize_t longest;        /* the longest word held: a longer word is never looked up */
    size_t slots_mask;         /* slots - 1, slots a power of two */
    StopSlot *slots;
    unsigned char *bytes;
} StopTable;

/* FNV-1a, a byte at a time: plain_features hashes a word as it reads it. */
#define HASH_START 2166136261u

static size_t hash_step(size_t hash, unsigned char byte)
{
    return (hash ^ byte) * 16777619u;
}

static size_t hash_bytes(const unsigned char *word, Py_ssize_t len)
{
    size_t hash = HASH_START;
    for (Py_ssize_t i = 0; i < len; i++)
        hash = hash_step(hash, word[i]);
    return hash;
}

/* The slot holding the word (of that hash_bytes), or the empty slot where it would go. */
static StopSlot *find_hashed_slot(const StopTable *table, const unsigned char *word, Py_ssize_t len, size_t hash)
{
    for (size_t i = hash & table->slots_mask;; i = (i + 1) & table->slots_mask) {
        StopSlot *slot = &table->slots[i];
        if (slot->length < 0 || (slot->length == len && memcmp(table->bytes + slot->start, word, len) == 0))
            return slot;
    }
}

static StopSlot *find_slot(const StopTable *table, const unsigned char *word, Py_ssize_t len)
{
    return find_hashed_slot(table, word, len, hash_bytes(word, len));
}

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
        if (c >= 128 && c != RIGHT_QUOTE)
            return false;
        out[i] = c < 128 ? (unsigned char)c : QUOTE_BYTE;
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
        if (!plain_word_bytes(word, table->bytes + used))
            continue;
        StopSlot *slot = find_slot(table, table->bytes + used, len);  /* the dict holds each word once */
        *slot = (StopSlot){used, len, bits};
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
    unsigned char *word;    /* the word being read, case-folded (up to `longest` + 1 characters) */
    char *key;              /* the line key being built */
    Py_ssize_t key_size;
} Scan;

typedef struct {
    Py_ssize_t words, letters, digits, initials, capitals;
    bool separator_chars;
    Py_ssize_t hits[MAX_LANGUAGES];  /* words in each stop list */
} Counts;

/* Adds one to the hits of each stop list that holds the word (of that hash_bytes). */
static void count_stop_word(const Scan *scan, Py_ssize_t len, size_t hash, Counts *counts)
{
    const StopSlot *slot = find_hashed_slot(scan->stops, scan->word, len, hash);
    unsigned long bits = slot->length < 0 ? 0 : slot->mask;
    for (int i = 0; bits != 0 && i < scan->stops->languages; i++, bits >>= 1)
        counts->hits[i] += bits & 1;
}

static int grow_key_buffer(Scan *scan, Py_ssize_t size)
{
    if (size <= scan->key_size)
        return 0;
    char *key = PyMem_Realloc(scan->key, size);
    if (key == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    scan->key = key;
    scan->key_size = size;
    return 0;
}

/* One pass over a plain line's characters: counts, stop-word hits, and its key's bytes in scan->key
   (the length returned). One function per kind of str, so that each reads its characters directly;
   the counts are kept in locals, which the writes through the char buffers cannot alias. */
static Py_ALWAYS_INLINE inline Py_ssize_t scan_chars(Scan *scan, int kind, const void *data, Py_ssize_t n,
                                                     Counts *counts)
{
    Py_ssize_t words = 0, letters = 0, digits = 0, initials = 0, capitals = 0;
    Py_ssize_t word_len = 0, key_len = 0, longest = scan->stops->longest;
    size_t hash = HASH_START;  /* hash_bytes of the word's bytes so far */
    bool in_word = false, in_key = false, separator_chars = false;
    unsigned char *word = scan->word;
    char *key = scan->key;
    /* One step past the end, as a separator: it ends the last word. */
    for (Py_ssize_t i = 0; i <= n; i++) {
        Py_UCS4 c = i < n ? PyUnicode_READ(kind, data, i) : ' ';
        int cls = char_class(c);
        letters += (cls & LETTER) != 0;
        digits += (cls & DIGIT) != 0;
        separator_chars |= is_separator_char(c);
        bool key_part = (cls & KEY_PART) != 0;  /* written without branches: a key's runs are short */
        key[key_len] = ' ';
        key_len += key_part && !in_key && key_len > 0;
        key[key_len] = (char)ascii_lower(c);
        key_len += key_part;
        in_key = key_part;
        if (in_word && (cls & WORD_PART)) {
            if (word_len < longest + 1) {  /* past `longest`, only the length matters */
                word[word_len] = c < 128 ? (unsigned char)ascii_lower(c) : QUOTE_BYTE;
                hash = hash_step(hash, word[word_len]);
            }
            word_len++;
            continue;
        }
        if (in_word && word_len <= longest)
            count_stop_word(scan, word_len, hash, counts);
        in_word = (cls & WORD_START) != 0;
        if (in_word) {
            words++;
            initials += (cls & LETTER) != 0;
            capitals += (cls & UPPER) != 0;
            word[0] = (unsigned char)ascii_lower(c);
            hash = hash_step(HASH_START, word[0]);
            word_len = 1;
        }
    }
    counts->words = words;
    counts->letters = letters;
    counts->digits = digits;
    counts->initials = initials;
    counts->capitals = capitals;
    counts->separator_chars = separator_chars;
    return key_len;
}

/* Counts, stop-word hits, and the key (returned, new reference) of a plain line. */
static PyObject *scan_line(Scan *scan, PyObject *text, Counts *counts)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), key_len;
    if (grow_key_buffer(scan, n + 2) < 0)  /* scan_chars writes up to one byte past the key and its space */
        return NULL;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        key_len = scan_chars(scan, PyUnicode_1BYTE_KIND, data, n, counts);
        break;
    case PyUnicode_2BYTE_KIND:
        key_len = scan_chars(scan, PyUnicode_2BYTE_KIND, data, n, counts);
        break;
    default:
        key_len = scan_chars(scan, PyUnicode_4BYTE_KIND, data, n, counts);
    }
    PyObject *key = PyUnicode_New(key_len, 127);
    if (key != NULL)
        memcpy(PyUnicode_1BYTE_DATA(key), scan->key, key_len);
    return key;
}

/* (chars, words, letter_share, digit_share, sentence_end, capital_share, separators,
    bullet_start, key, hits...): the shares divide as page._features does, int by int, which is
   exact-to-double then one rounding for counts under 2**53, as in C. */
static PyObject *line_row(PyObject *text, const Counts *counts, PyObject *key, int languages)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *row = PyTuple_New(9 + languages);
    if (row == NULL)
        return NULL;
    PyObject *items[9] = {
        PyLong_FromSsize_t(n),
        PyLong_FromSsize_t(counts->words),
        PyFloat_FromDouble(n ? (double)counts->letters / (double)n : 0.0),
        PyFloat_FromDouble(n ? (double)counts->digits / (double)n : 0.0),
        PyBool_FromLong(ends_sentence(kind, data, n)),
        PyFloat_FromDouble(counts->initials ? (double)counts->capitals / (double)counts->initials : 0.0),
        PyLong_FromSsize_t(counts->separator_chars ? count_separators(kind, data, n) : 0),
        PyBool_FromLong(n > 0 && may_start_bullet(PyUnicode_READ(kind, data, 0))),
        Py_NewRef(key),
    };
    bool failed = false;
    for (int i = 0; i < 9; i++) {
        failed |= items[i] == NULL;
        PyTuple_SET_ITEM(row, i, items[i]);  /* a NULL item is fine for Py_DECREF(row) */
    }
    for (int i = 0; i < languages && !failed; i++) {
        PyObject *hits = PyLong_FromSsize_t(counts->hits[i]);
        failed |= hits == NULL;
        PyTuple_SET_ITEM(row, 9 + i, hits);
    }
    if (failed) {
        Py_DECREF(row);
        return NULL;
    }
    return row;
}

/* The row of one line, or None for a line that is not plain. */
static PyObject *line_features(Scan *scan, PyObject *text, Py_ssize_t *totals)
{
    if (!is_plain(text))
        Py_RETURN_NONE;
    Counts counts = {0};
    PyObject *key = scan_line(scan, text, &counts);
    if (key == NULL)
        return NULL;
    PyObject *row = line_row(text, &counts, key, scan->stops->languages);
    Py_DECREF(key);
    for (int i = 0; i < scan->stops->languages; i++)
        totals[i] += counts.hits[i];
    return row;
}

static PyObject *rows_and_totals(Scan *scan, PyObject *texts)
{
    Py_ssize_t totals[MAX_LANGUAGES] = {0}, n = PyList_GET_SIZE(texts);
    PyObject *rows = PyList_New(n);
    if (rows == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = line_features(scan, PyList_GET_ITEM(texts, i), totals);
        if (row == NULL) {
            Py_DECREF(rows);
            return NULL;
        }
        PyList_SET_ITEM(rows, i, row);
    }
    PyObject *hits = PyList_New(scan->stops->languages);
    for (int i = 0; hits != NULL && i < scan->stops->languages; i++) {
        PyObject *total = PyLong_FromSsize_t(totals[i]);
        if (total == NULL)
            Py_CLEAR(hits);
        else
            PyList_SET_ITEM(hits, i, total);
    }
    if (hits == NULL) {
        Py_DECREF(rows);
        return NULL;
    }
    PyObject *result = PyTuple_Pack(2, rows, hits);
    Py_DECREF(rows);
    Py_DECREF(hits);
    return result;
}

static bool all_str(PyObject *texts)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(texts); i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(texts, i)))
            return false;
    return true;
}

static PyObject *plain_features(PyObject *module, PyObject *args)
{
    PyObject *texts, *capsule;
    if (!PyArg_ParseTuple(args, "O!O:plain_features", &PyList_Type, &texts, &capsule))
        return NULL;
    if (!all_str(texts)) {
        PyErr_SetString(PyExc_TypeError, "plain_features: texts must be a list of str");
        return NULL;
    }
    const StopTable *table = PyCapsule_GetPointer(capsule, STOP_TABLE);  /* TypeError or ValueError if not one */
    if (table == NULL)
        return NULL;
    Scan scan = {table, PyMem_Malloc(table->longest + 1), NULL, 0};
    PyObject *result = scan.word == NULL ? PyErr_NoMemory() : rows_and_totals(&scan, texts);
    PyMem_Free(scan.word);
    PyMem_Free(scan.key);
    return result;
}

PyDoc_STRVAR(stop_table_doc,
"stop_table(word_masks, languages) -> table\n\n"
"The stop lists for plain_features: word_masks maps each case-folded stop word to the bit mask of\n"
"the lists holding it (bit i: list i, of languages).");

PyDoc_STRVAR(plain_features_doc,
"plain_features(texts, table) -> (rows, hits)\n\n"
"For each stripped non-blank line in texts, None if it is not plain, else (chars, words, letter_share,\n"
"digit_share, sentence_end, capital_share, separators, bullet_start, key, hits_0, ...): hits_i\n"
"counts the line's words in stop list i of the table (from stop_table). hits: the same counts\n"
"summed over the plain lines.");

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

/* math.log1p: zero keeps its sign, the rest is the C library's. */
static double python_log1p(double x)
{
    return x == 0.0 ? x : log1p(x);
}

/* A field as float() reads it: a bool is 0.0 or 1.0. */
static int read_double(PyObject *line, int field, double *out)
{
    PyObject *value = PyObject_GetAttr(line, score_attributes[field]);
    if (value == NULL)
        return -1;
    *out = PyFloat_AsDouble(value);
    Py_DECREF(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

/* linescore.own_features of one line. */
static int own_features(PyObject *line, PyObject *decided, double *own)
{
    for (int field = 0; field < SCORE_OWN - 1; field++)
        if (read_double(line, field, &own[field]) < 0)
            return -1;
    own[0] = python_log1p(own[0]);
    own[5] = own[5] > 0 ? 1.0 : 0.0;
    PyObject *number = PyObject_GetAttr(line, score_attributes[SCORE_OWN]);
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

/* The chances of lines with `own` features; raw: room for their scores. */
static PyObject *chances_of(const double *own, double *raw, Py_ssize_t n, const double *weights, double bias,
                            double smooth, double edge_share)
{
    double row[SCORE_FEATURES];
    for (Py_ssize_t i = 0; i < n; i++) {
        feature_row(own, i, n, edge_share, row);
        raw[i] = weighted_sum(weights, row, bias);
    }
    PyObject *chances = PyList_New(n);
    for (Py_ssize_t i = 0; chances != NULL && i < n; i++) {
        double up = raw[i > 0 ? i - 1 : 0], down = raw[i + 1 < n ? i + 1 : n - 1];
        PyObject *chance = PyFloat_FromDouble(smoothed_chance(raw[i], up, down, smooth));
        if (chance == NULL)
            Py_CLEAR(chances);
        else
            PyList_SET_ITEM(chances, i, chance);
    }
    return chances;
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

static PyObject *line_chances(PyObject *module, PyObject *args)
{
    PyObject *lines, *decided, *weight_list;
    double bias, smooth, edge_share, weights[SCORE_FEATURES];
    if (score_attributes[SCORE_OWN] == NULL && intern_score_attributes() < 0)
        return NULL;
    if (!PyArg_ParseTuple(args, "O!OO!ddd:line_chances", &PyList_Type, &lines, &decided, &PyList_Type,
                          &weight_list, &bias, &smooth, &edge_share)
        || read_weights(weight_list, weights) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    double *own = PyMem_Malloc((n * SCORE_OWN + n + 1) * sizeof(double));
    if (own == NULL)
        return PyErr_NoMemory();
    PyObject *chances = NULL;
    Py_ssize_t i = 0;
    while (i < n && own_features(PyList_GET_ITEM(lines, i), decided, own + i * SCORE_OWN) == 0)
        i++;
    if (i == n)
        chances = chances_of(own, own + n * SCORE_OWN, n, weights, bias, smooth, edge_share);
    PyMem_Free(own);
    return chances;
}

PyDoc_STRVAR(line_chances_doc,
"line_chances(lines, decided, weights, bias, smooth, edge_share) -> chances\n\n"
"linescore's chance of residue for each LineInfo of lines: the logistic of its weighted sum\n"
"(weights in linescore.FEATURES order) smoothed with its neighbours' by smooth.");

/* ---- build_page's LineInfo objects for plain lines, from plain_features' rows ----

   page._plain_line's reference: a LineInfo of the row's features, its stop share in the column of the
   page's language, and page._BULLET matched where the row says a bullet may start. The objects are
   made as the dataclass's __init__ would make them (a slots class: each field is a slot the object
   holds), without running it once per line. */
#include <structmember.h>

#define LINE_FIELDS 13 /* page.LineInfo's, in order */
#define ROW_FIELDS 9   /* line_row's items before the stop-list counts */

static const char *line_field_names[LINE_FIELDS] = {
    "number", "text", "chars", "words", "letter_share", "digit_share", "sentence_end", "stop_share",
    "capital_share", "separators", "bullet", "spaceless", "key",
};

/* Where the objects of cls hold each field: a writable object slot of that name, or a TypeError. */
static int field_offsets(PyTypeObject *cls, Py_ssize_t *offsets)
{
    for (int i = 0; i < LINE_FIELDS; i++) {
        PyObject *descr = PyObject_GetAttrString((PyObject *)cls, line_field_names[i]);
        if (descr == NULL)
            return -1;
        bool slot = Py_IS_TYPE(descr, &PyMemberDescr_Type)
                    && ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX
                    && !(((PyMemberDescrObject *)descr)->d_member->flags & READONLY);
        offsets[i] = slot ? ((PyMemberDescrObject *)descr)->d_member->offset : 0;
        Py_DECREF(descr);
        if (!slot) {
            PyErr_Format(PyExc_TypeError, "plain_lines: %s is not a slot of the line class", line_field_names[i]);
            return -1;
        }
    }
    return 0;
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

/* One line's object from its row; column: the row's item counting its words in the page's stop list,
   or -1 (no language: no stop words). */
static PyObject *plain_line(PyTypeObject *cls, const Py_ssize_t *offsets, PyObject *number, PyObject *text,
                            PyObject *row, Py_ssize_t column)
{
    Py_ssize_t words = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 1));
    Py_ssize_t stops = column < 0 ? 0 : PyLong_AsSsize_t(PyTuple_GET_ITEM(row, column));
    if ((words == -1 || stops == -1) && PyErr_Occurred())
        return NULL;
    PyObject *stop_share = PyFloat_FromDouble(words ? (double)stops / (double)words : 0.0);
    PyObject *line = stop_share == NULL ? NULL : cls->tp_alloc(cls, 0);
    if (line == NULL) {
        Py_XDECREF(stop_share);
        return NULL;
    }
    PyObject *bullet = PyTuple_GET_ITEM(row, 7) == Py_True && bullet_matches(text) ? Py_True : Py_False;
    PyObject *values[LINE_FIELDS] = {
        number, text, PyTuple_GET_ITEM(row, 0), PyTuple_GET_ITEM(row, 1), PyTuple_GET_ITEM(row, 2),
        PyTuple_GET_ITEM(row, 3), PyTuple_GET_ITEM(row, 4), stop_share, PyTuple_GET_ITEM(row, 5),
        PyTuple_GET_ITEM(row, 6), bullet, Py_False, PyTuple_GET_ITEM(row, 8),
    };
    for (int i = 0; i < LINE_FIELDS; i++)
        *(PyObject **)((char *)line + offsets[i]) = i == 7 ? stop_share : Py_NewRef(values[i]);
    return line;
}

static bool plain_lines_args(PyObject *numbers, PyObject *texts, PyObject *rows, Py_ssize_t column)
{
    Py_ssize_t n = PyList_GET_SIZE(rows);
    bool ok = PyList_GET_SIZE(numbers) == n && PyList_GET_SIZE(texts) == n && column < ROW_FIELDS + MAX_LANGUAGES;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        ok = PyUnicode_Check(PyList_GET_ITEM(texts, i))
             && (row == Py_None || (PyTuple_Check(row) && PyTuple_GET_SIZE(row) >= ROW_FIELDS
                                    && column < PyTuple_GET_SIZE(row)));
    }
    if (!ok)
        PyErr_SetString(PyExc_TypeError, "plain_lines: numbers, texts and plain_features rows of the same lines");
    return ok;
}

static PyObject *plain_lines(PyObject *module, PyObject *args)
{
    PyObject *numbers, *texts, *rows;
    Py_ssize_t column, offsets[LINE_FIELDS];
    PyTypeObject *cls;
    if (!PyArg_ParseTuple(args, "O!O!O!nO!:plain_lines", &PyList_Type, &numbers, &PyList_Type, &texts,
                          &PyList_Type, &rows, &column, &PyType_Type, &cls)
        || !plain_lines_args(numbers, texts, rows, column) || field_offsets(cls, offsets) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(rows);
    PyObject *lines = PyList_New(n);
    for (Py_ssize_t i = 0; lines != NULL && i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        PyObject *line = row == Py_None ? Py_NewRef(Py_None)
                         : plain_line(cls, offsets, PyList_GET_ITEM(numbers, i), PyList_GET_ITEM(texts, i), row, column);
        if (line == NULL)
            Py_CLEAR(lines);
        else
            PyList_SET_ITEM(lines, i, line);
    }
    return lines;
}

PyDoc_STRVAR(plain_lines_doc,
"plain_lines(numbers, texts, rows, column, cls) -> lines\n\n"
"For each line, None where its plain_features row is None, else its cls (page.LineInfo) object:\n"
"the row's features, the share of its words counted in row[column] (column -1: none), and whether\n"
"page._BULLET matches its text.");

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
    for (int i = 0; i < DOCUMENT_LINE_FIELDS; i++) {
        PyObject *descr = PyObject_GetAttrString((PyObject *)cls, document_line_field_names[i]);
        if (descr == NULL)
            return -1;
        bool slot = Py_IS_TYPE(descr, &PyMemberDescr_Type)
                    && ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX
                    && !(((PyMemberDescrObject *)descr)->d_member->flags & READONLY);
        offsets[i] = slot ? ((PyMemberDescrObject *)descr)->d_member->offset : 0;
        Py_DECREF(descr);
        if (!slot) {
            PyErr_Format(PyExc_TypeError, "document_lines: %s is not a slot of the line class",
                         document_line_field_names[i]);
            return -1;
        }
    }
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

static PyMethodDef methods[] = {
    {"stop_table", stop_table, METH_VARARGS, stop_table_doc},
    {"plain_features", plain_features, METH_VARARGS, plain_features_doc},
    {"line_chances", line_chances, METH_VARARGS, line_chances_doc},
    {"plain_lines", plain_lines, METH_VARARGS, plain_lines_doc},
    {"document_lines", document_lines, METH_VARARGS, document_lines_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastpage", "build_page's per-line features for plain lines, in C.", -1, methods,
};

static int add_template_functions(PyObject *module);  /* the template pre-pass's, at the end of this file */

PyMODINIT_FUNC PyInit__fastpage(void)
{
    fill_ascii_class();
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && (PyModule_AddIntConstant(m, "MAX_LANGUAGES", MAX_LANGUAGES) < 0 || add_template_functions(m) < 0
                      || PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0))
        Py_CLEAR(m);
    return m;
}

/* ---- The template pre-pass (provenance/templates.py) -------------------------------------------

   TemplateCounts.add and documents_with, in C: a document's line keys (page.line_key), each distinct
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
    for (int i = 0; i < 12; i++) {
        const uint8_t *s = blake2b_sigma[i];
        B2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        B2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        B2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        B2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        B2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
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

/* The table (an array('I') of width * depth counters) and the group, as a Sketch; -1 with an error
   set, the buffer released. */
static int open_sketch(Sketch *sketch, Py_buffer *view, PyObject *table, Py_ssize_t width, int depth,
                       const char *group, Py_ssize_t group_length)
{
    if (width < 1 || depth < 1 || depth > MAX_DEPTH) {
        PyErr_Format(PyExc_ValueError, "the sketch needs a width of at least 1 and a depth of 1 to %d", MAX_DEPTH);
        return -1;
    }
    if (PyObject_GetBuffer(table, view, PyBUF_WRITABLE | PyBUF_FORMAT) < 0)
        return -1;
    if (view->itemsize != 4 || strcmp(view->format, "I") != 0 || view->len / 4 / width < depth) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "the table must be an array('I') of width * depth counters");
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

/* A key character (KEY_PART) lower-cased, 0 for any other ASCII character. */
static unsigned char key_byte[128];

static void fill_key_byte(void)
{
    for (int c = 0; c < 128; c++)
        key_byte[c] = ascii_class[c] & KEY_PART ? (unsigned char)ascii_lower(c) : 0;
}

/* The key table (templates.key_table): for each character below KEY_TABLE_CHARS, a slot of
   KEY_SLOT bytes: how many bytes it adds to a key (KEY_SLOT or more, as 0xFF: it is left to key_of),
   then those bytes: its case-folded characters in UTF-8, SEPARATOR_BYTE for one that is not
   a word character. */
#define KEY_TABLE_CHARS 0x800
#define KEY_SLOT 8
#define SEPARATOR_BYTE 0xFF  /* never a byte of UTF-8 */

/* What a character adds to the key being built (out, *length), by its table slot. */
static void add_table_char(unsigned char *out, Py_ssize_t *length, bool *in_key, const unsigned char *slot)
{
    for (int i = 1; i <= slot[0]; i++) {
        if (slot[i] == SEPARATOR_BYTE) {
            *in_key = false;
            continue;
        }
        if (!*in_key && *length > 0)
            out[(*length)++] = ' ';
        out[(*length)++] = slot[i];
        *in_key = true;
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
   mispredicted), and `seen` says whether a key character went before: with length > 0 instead, each
   character's step would wait for the last one's. */
static Py_ALWAYS_INLINE inline Py_ssize_t line_key_bytes(KeySet *keys, const unsigned char *table, int kind,
                                                         const void *data, Py_ssize_t start, Py_ssize_t n,
                                                         Py_ssize_t *end, Py_ssize_t *chars)
{
    unsigned char *out = keys->bytes + keys->used;
    Py_ssize_t length = 0, i = start;
    bool in_key = false, multibyte = false, seen = false;
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
                seen = length > 0;
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
        bool is_key = k != 0;
        out[length] = ' ';  /* the space before a key run, kept when one went before */
        length += is_key & !in_key & seen;
        out[length] = k;
        length += is_key;
        in_key = is_key;
        seen |= is_key;
    }
    *end = i;
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
        PyErr_SetString(PyExc_TypeError, "template_add: key_of must return a str");
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

/* Every line's key, kept when it has at least min_chars characters; the lines as
   Document.line_texts has them: text.split("\n"), but for the empty remainder after a final newline.
   One function per kind of str, so that each reads its characters directly. */
static Py_ALWAYS_INLINE inline int kind_keys(KeySet *keys, PyObject *text, int kind, Py_ssize_t min_chars,
                                             PyObject *key_of, const unsigned char *table)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t start = 0, end;; start = end + 1) {
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

static int document_keys(KeySet *keys, PyObject *text, Py_ssize_t min_chars, PyObject *key_of,
                         const unsigned char *table)
{
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return kind_keys(keys, text, PyUnicode_1BYTE_KIND, min_chars, key_of, table);
    case PyUnicode_2BYTE_KIND:
        return kind_keys(keys, text, PyUnicode_2BYTE_KIND, min_chars, key_of, table);
    default:
        return kind_keys(keys, text, PyUnicode_4BYTE_KIND, min_chars, key_of, table);
    }
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
        cells[row] = sketch->cells + row * sketch->width + (Py_ssize_t)(h[row] % (uint64_t)sketch->width);
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

/* The document's keys into the sketch, in their order: all hashed, then all counted. */
static int count_keys(Sketch *sketch, const KeySet *keys)
{
    uint32_t **cells = PyMem_Malloc((keys->count * sketch->depth + 1) * sizeof(uint32_t *));
    if (cells == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < keys->count; i++) {
        const KeyEntry *entry = &keys->entries[i];
        if (key_cells(sketch, keys->bytes + entry->start, entry->length, cells + i * sketch->depth) < 0) {
            PyMem_Free(cells);
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < keys->count; i++)
        raise_cells(cells + i * sketch->depth, sketch->depth);
    PyMem_Free(cells);
    return 0;
}

static PyObject *template_add(PyObject *module, PyObject *args)
{
    PyObject *table, *text, *key_of;
    Py_ssize_t width, min_chars, group_length, key_table_length;
    int depth;
    const char *group, *key_table;
    if (!PyArg_ParseTuple(args, "Onin" "y#UOy#:template_add", &table, &width, &depth, &min_chars, &group,
                          &group_length, &text, &key_of, &key_table, &key_table_length))
        return NULL;
    if (key_table_length != KEY_TABLE_CHARS * KEY_SLOT) {
        PyErr_Format(PyExc_ValueError, "template_add: the key table has %d slots of %d bytes", KEY_TABLE_CHARS,
                     KEY_SLOT);
        return NULL;
    }
    Sketch sketch;
    Py_buffer view;
    if (open_sketch(&sketch, &view, table, width, depth, group, group_length) < 0)
        return NULL;
    KeySet keys = {0};
    int status = document_keys(&keys, text, min_chars, key_of, (const unsigned char *)key_table) < 0
                 ? -1 : count_keys(&sketch, &keys);
    keyset_free(&keys);
    close_sketch(&sketch, &view);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *template_count(PyObject *module, PyObject *args)
{
    PyObject *table, *key;
    Py_ssize_t width, group_length;
    int depth;
    const char *group;
    if (!PyArg_ParseTuple(args, "Oniy#U:template_count", &table, &width, &depth, &group, &group_length, &key))
        return NULL;
    PyObject *encoded = PyUnicode_AsEncodedString(key, "utf-8", "surrogatepass");
    if (encoded == NULL)
        return NULL;
    Sketch sketch;
    Py_buffer view;
    Py_ssize_t length = PyBytes_GET_SIZE(encoded);
    uint32_t *cells[MAX_DEPTH], count = 0;
    int status = open_sketch(&sketch, &view, table, width, depth, group, group_length);
    if (status == 0) {
        if ((status = key_cells(&sketch, (const unsigned char *)PyBytes_AS_STRING(encoded), length, cells)) == 0)
            count = smallest(cells, depth);
        close_sketch(&sketch, &view);
    }
    Py_DECREF(encoded);
    return status < 0 ? NULL : PyLong_FromUnsignedLong(count);
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
     PyDoc_STR("template_add(table, width, depth, min_chars, group, text, key_of, key_table)\n\n"
               "TemplateCounts.add for one document: each distinct line key of text (of at least min_chars\n"
               "characters) counted once in table, an array('I') of width * depth counters, for group (UTF-8\n"
               "bytes). Characters below KEY_TABLE_CHARS are keyed by key_table (KEY_SLOT bytes each); a line\n"
               "with another character that is not plain, by key_of(line).")},
    {"template_count", template_count, METH_VARARGS,
     PyDoc_STR("template_count(table, width, depth, group, key) -> int\n\n"
               "TemplateCounts.documents_with: the smallest of the key's counters (group: UTF-8 bytes).")},
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
