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

static size_t hash_bytes(const unsigned char *word, Py_ssize_t len)
{
    size_t hash = 2166136261u;  /* FNV-1a */
    for (Py_ssize_t i = 0; i < len; i++)
        hash = (hash ^ word[i]) * 16777619u;
    return hash;
}

/* The slot holding the word, or the empty slot where it would go. */
static StopSlot *find_slot(const StopTable *table, const unsigned char *word, Py_ssize_t len)
{
    for (size_t i = hash_bytes(word, len) & table->slots_mask;; i = (i + 1) & table->slots_mask) {
        StopSlot *slot = &table->slots[i];
        if (slot->length < 0 || (slot->length == len && memcmp(table->bytes + slot->start, word, len) == 0))
            return slot;
    }
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

/* Adds one to the hits of each stop list that holds the word. */
static void count_stop_word(const Scan *scan, Py_ssize_t len, Counts *counts)
{
    const StopSlot *slot = find_slot(scan->stops, scan->word, len);
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

/* One pass over a plain line: counts, stop-word hits, and its key (returned, new reference). */
static PyObject *scan_line(Scan *scan, PyObject *text, Counts *counts)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), word_len = 0, key_len = 0, longest = scan->stops->longest;
    bool in_word = false, in_key = false;
    if (grow_key_buffer(scan, n + 1) < 0)
        return NULL;
    /* One step past the end, as a separator: it ends the last word. */
    for (Py_ssize_t i = 0; i <= n; i++) {
        Py_UCS4 c = i < n ? PyUnicode_READ(kind, data, i) : ' ';
        int cls = char_class(c);
        counts->letters += (cls & LETTER) != 0;
        counts->digits += (cls & DIGIT) != 0;
        counts->separator_chars |= is_separator_char(c);
        if (cls & KEY_PART) {
            if (!in_key && key_len > 0)
                scan->key[key_len++] = ' ';
            scan->key[key_len++] = (char)ascii_lower(c);
        }
        in_key = (cls & KEY_PART) != 0;
        if (in_word && (cls & WORD_PART)) {
            if (word_len < longest + 1)  /* past `longest`, only the length matters */
                scan->word[word_len] = c < 128 ? (unsigned char)ascii_lower(c) : QUOTE_BYTE;
            word_len++;
            continue;
        }
        if (in_word && word_len <= longest)
            count_stop_word(scan, word_len, counts);
        in_word = (cls & WORD_START) != 0;
        if (in_word) {
            counts->words++;
            counts->initials += (cls & LETTER) != 0;
            counts->capitals += (cls & UPPER) != 0;
            scan->word[0] = (unsigned char)ascii_lower(c);
            word_len = 1;
        }
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

static PyMethodDef methods[] = {
    {"stop_table", stop_table, METH_VARARGS, stop_table_doc},
    {"plain_features", plain_features, METH_VARARGS, plain_features_doc},
    {"line_chances", line_chances, METH_VARARGS, line_chances_doc},
    {"plain_lines", plain_lines, METH_VARARGS, plain_lines_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastpage", "build_page's per-line features for plain lines, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__fastpage(void)
{
    fill_ascii_class();
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && (PyModule_AddIntConstant(m, "MAX_LANGUAGES", MAX_LANGUAGES) < 0
                      || PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0))
        Py_CLEAR(m);
    return m;
}
