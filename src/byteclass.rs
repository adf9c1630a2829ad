//! Byte classes as bit masks: which bytes of a block of up to 64 matter to the
//! scanner, end a line, or belong to an identifier, found 32 at a time with AVX2
//! where the CPU has it, else 16 at a time with SSE2 on x86-64 (one at a time
//! elsewhere), so that the scanner, the line index and the name prefilter step from
//! one such byte to the next instead of looking at every byte.

/// How many bytes one mask covers.
pub const BLOCK: usize = 64;

/// Bytes whose meaning the scanner's main loop depends on, plus a few that share
/// their ranges and cost nothing to let through (`$ % & |`): `"`..=`)`, `[ \ ]`,
/// `{ | }` and the line feed.
const RANGES: [(u8, u8); 3] = [(b'"', 8), (b'[', 3), (b'{', 3)];

/// Whether the scanner's main loop must look at `byte`.
pub fn is_layout_byte(byte: u8) -> bool {
    byte == b'\n'
        || RANGES
            .iter()
            .any(|&(low, count)| byte.wrapping_sub(low) < count)
}

/// Bit `i` is set when byte `i` of `block` is a layout byte (see
/// [`is_layout_byte`]); bits past the end of a short block are clear.
pub fn layout_mask(block: &[u8]) -> u64 {
    block_mask(block, &LAYOUT)
}

/// Bit `i` is set when byte `i` of `block` is a line feed.
pub fn newline_mask(block: &[u8]) -> u64 {
    block_mask(block, &NEWLINE)
}

/// Bit `i` is set when byte `i` of `block` can be part of an identifier: an ASCII
/// letter or digit, `_`, or any byte of a non-ASCII character.
pub fn word_mask(block: &[u8]) -> u64 {
    block_mask(block, &WORD)
}

/// Whether `byte` can be part of an identifier (see [`word_mask`]).
pub fn is_word_byte(byte: u8) -> bool {
    byte == b'_' || byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// A set of byte values (the first bytes of a set of words), told in a block beside
/// its identifier bytes: each byte's high half picks one of eight parts
/// ([`SET_PARTS`]), its low half the parts of the members that end in it.
pub struct ByteSet {
    low: [u8; 16],
}

/// The part of each high half: 0..=6 each their own, 7..=F together.
const SET_PARTS: [u8; 16] = [
    1, 2, 4, 8, 16, 32, 64, 128, 128, 128, 128, 128, 128, 128, 128, 128,
];

impl ByteSet {
    pub fn new(members: impl IntoIterator<Item = u8>) -> ByteSet {
        let mut low = [0u8; 16];
        for member in members {
            low[usize::from(member & 0x0f)] |= SET_PARTS[usize::from(member >> 4)];
        }
        ByteSet { low }
    }

    /// The word mask of `block` (see [`word_mask`]) and a mask that marks every byte
    /// of the set: exactly those below 0x70 where the CPU has AVX2, all where it has
    /// not; bytes from 0x70 on that share a low half with a member are marked too.
    #[inline]
    pub fn word_and_member_masks(&self, block: &[u8]) -> (u64, u64) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return match block.first_chunk::<BLOCK>() {
                // SAFETY: the CPU supports AVX2, as just checked.
                Some(full) => unsafe { wide::word_and_set(full, &self.low) },
                None => self.short_block_masks(block),
            };
        }
        (word_mask(block), u64::MAX)
    }

    /// The masks of the short block at the end of a text, padded with zero bytes.
    #[inline(never)]
    fn short_block_masks(&self, block: &[u8]) -> (u64, u64) {
        let mut padded = [0u8; BLOCK];
        padded[..block.len()].copy_from_slice(block);
        self.word_and_member_masks(&padded)
    }
}

/// The two ways to classify a block: 32 bytes at a time where the CPU has AVX2
/// (checked at run time), else 16 at a time.
struct Classifier {
    #[cfg(target_arch = "x86_64")]
    wide: unsafe fn(&[u8; BLOCK]) -> u64,
    narrow: fn(&[u8; 16]) -> u16,
}

const LAYOUT: Classifier = Classifier {
    #[cfg(target_arch = "x86_64")]
    wide: wide::layout,
    narrow: chunk_bits::layout,
};

const NEWLINE: Classifier = Classifier {
    #[cfg(target_arch = "x86_64")]
    wide: wide::newline,
    narrow: chunk_bits::newline,
};

const WORD: Classifier = Classifier {
    #[cfg(target_arch = "x86_64")]
    wide: wide::word,
    narrow: chunk_bits::word,
};

/// The mask of up to [`BLOCK`] bytes; a short block is padded with zero bytes,
/// which no class holds.
#[inline(always)]
fn block_mask(block: &[u8], classifier: &Classifier) -> u64 {
    match block.first_chunk::<BLOCK>() {
        Some(full) => full_block_mask(full, classifier),
        None => short_block_mask(block, classifier),
    }
}

/// The mask of the short block at the end of a text.
#[inline(never)]
fn short_block_mask(block: &[u8], classifier: &Classifier) -> u64 {
    let mut padded = [0u8; BLOCK];
    padded[..block.len()].copy_from_slice(block);
    full_block_mask(&padded, classifier)
}

#[inline(always)]
fn full_block_mask(full: &[u8; BLOCK], classifier: &Classifier) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, as just checked.
        return unsafe { (classifier.wide)(full) };
    }
    sixteen_at_a_time(full, classifier.narrow)
}

/// The mask of a whole block, from the masks of its four 16-byte chunks.
fn sixteen_at_a_time(block: &[u8; BLOCK], chunk_mask: fn(&[u8; 16]) -> u16) -> u64 {
    let mut mask = 0;
    let mut rest: &[u8] = block;
    let mut shift = 0;
    while let Some((chunk, tail)) = rest.split_first_chunk::<16>() {
        mask |= u64::from(chunk_mask(chunk)) << shift;
        shift += 16;
        rest = tail;
    }
    mask
}

/// Each offset of a line start (just past a line feed) in `bytes[from..to]`, in order.
pub fn push_line_starts(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, as just checked.
        unsafe { wide::push_line_starts(bytes, from, to, starts) };
        return;
    }
    push_line_starts_from(bytes, from, to, starts);
}

/// As [`push_line_starts`], a block's mask at a time through [`newline_mask`].
fn push_line_starts_from(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    let mut block_start = from;
    while block_start < to {
        let end = (block_start + BLOCK).min(to);
        push_starts_after(block_start, newline_mask(&bytes[block_start..end]), starts);
        block_start = end;
    }
}

/// The line starts just past the line feeds `mask` marks in the block at `block_start`.
#[inline(always)]
fn push_starts_after(block_start: usize, mut mask: u64, starts: &mut Vec<usize>) {
    while mask != 0 {
        starts.push(block_start + mask.trailing_zeros() as usize + 1);
        mask &= mask - 1;
    }
}

/// The bits of 16 bytes: SSE2 on x86-64.
#[cfg(target_arch = "x86_64")]
mod chunk_bits {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };

    pub fn layout(chunk: &[u8; 16]) -> u16 {
        // SAFETY: SSE2 is part of every x86-64 target, and the unaligned load reads
        // the 16 bytes `chunk` holds, no more.
        unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let mut hits = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
            for (low, count) in super::RANGES {
                hits = _mm_or_si128(hits, within(bytes, low, count));
            }
            _mm_movemask_epi8(hits) as u16
        }
    }

    pub fn word(chunk: &[u8; 16]) -> u16 {
        // SAFETY: as in `layout`.
        unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            // Setting bit 5 folds upper-case letters onto lower-case ones.
            let letter = within(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), b'a', 26);
            let digit = within(bytes, b'0', 10);
            let underscore = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'_' as i8));
            let ascii_word = _mm_or_si128(_mm_or_si128(letter, digit), underscore);
            // The top bit of each byte is its own non-ASCII flag.
            (_mm_movemask_epi8(ascii_word) | _mm_movemask_epi8(bytes)) as u16
        }
    }

    /// All ones in the lanes whose byte lies in `low..low + count`, unsigned: the
    /// difference `byte - low` is its own minimum with `count - 1` exactly then.
    ///
    /// Safety: SSE2 must be available, as it is on every x86-64 target.
    unsafe fn within(bytes: __m128i, low: u8, count: u8) -> __m128i {
        let offset = _mm_sub_epi8(bytes, _mm_set1_epi8(low as i8));
        _mm_cmpeq_epi8(
            _mm_min_epu8(offset, _mm_set1_epi8((count - 1) as i8)),
            offset,
        )
    }

    pub fn newline(chunk: &[u8; 16]) -> u16 {
        // SAFETY: as in `layout`.
        unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8))) as u16
        }
    }
}

/// The bits of a whole block, 32 bytes at a time with AVX2. A byte's class is
/// looked up by each of its two halves (`pshufb`): each table maps a half to the
/// set of class parts it may belong to, and the byte belongs to the class when the
/// two sets share a part.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::BLOCK;
    use std::arch::x86_64::{
        __m128i, __m256i, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8,
        _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm_loadu_si128,
    };

    /// Layout bytes in three parts: `"`..=`)` (high half 2, low 2..=9) = 1;
    /// `[ \ ]` and `{ | }` (high 5 or 7, low B..=D) = 2; the line feed (0, A) = 4.
    const LAYOUT_LOW: [u8; 16] = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 4, 2, 2, 2, 0, 0];
    const LAYOUT_HIGH: [u8; 16] = [4, 0, 1, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];

    /// Identifier bytes in five parts: digits (high 3, low 0..=9) = 1; `A`..=`O`,
    /// `a`..=`o` (4 or 6, 1..=F) = 2; `P`..=`Z`, `p`..=`z` (5 or 7, 0..=A) = 4; `_`
    /// (5, F) = 8; non-ASCII (8..=F, any) = 16.
    const WORD_LOW: [u8; 16] = [
        21, 23, 23, 23, 23, 23, 23, 23, 23, 23, 22, 18, 18, 18, 18, 26,
    ];
    const WORD_HIGH: [u8; 16] = [0, 0, 0, 1, 2, 12, 2, 4, 16, 16, 16, 16, 16, 16, 16, 16];

    /// Safety: the CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn layout(block: &[u8; BLOCK]) -> u64 {
        by_halves(block, &LAYOUT_LOW, &LAYOUT_HIGH)
    }

    /// Safety: the CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn word(block: &[u8; BLOCK]) -> u64 {
        by_halves(block, &WORD_LOW, &WORD_HIGH)
    }

    /// The word mask of `block` and the mask of the members of the [`super::ByteSet`]
    /// whose low-half table is `set_low`, the block loaded once for both.
    ///
    /// Safety: the CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn word_and_set(block: &[u8; BLOCK], set_low: &[u8; 16]) -> (u64, u64) {
        let halves = load(block);
        (
            in_class(halves, &WORD_LOW, &WORD_HIGH),
            in_class(halves, set_low, &super::SET_PARTS),
        )
    }

    /// Safety: the CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn newline(block: &[u8; BLOCK]) -> u64 {
        let line_feed = _mm256_set1_epi8(b'\n' as i8);
        let [first, second] = load(block);
        bits(_mm256_cmpeq_epi8(first, line_feed)) | bits(_mm256_cmpeq_epi8(second, line_feed)) << 32
    }

    /// [`super::push_line_starts`] with every whole block's mask computed here, in
    /// line; the short block at the end, if any, as any other caller's.
    ///
    /// Safety: the CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn push_line_starts(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
        let mut block_start = from;
        while let Some(block) = bytes[block_start..to].first_chunk::<BLOCK>() {
            super::push_starts_after(block_start, newline(block), starts);
            block_start += BLOCK;
        }
        super::push_line_starts_from(bytes, block_start, to, starts);
    }

    #[target_feature(enable = "avx2")]
    unsafe fn by_halves(block: &[u8; BLOCK], low: &[u8; 16], high: &[u8; 16]) -> u64 {
        in_class(load(block), low, high)
    }

    /// The mask of the bytes of a loaded block in the class of the tables `low` and
    /// `high`.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn in_class([first, second]: [__m256i; 2], low: &[u8; 16], high: &[u8; 16]) -> u64 {
        let (low, high) = (table(low), table(high));
        !(bits(outside_class(first, low, high)) | bits(outside_class(second, low, high)) << 32)
    }

    /// A nibble table in both 16-byte lanes.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn table(parts: &[u8; 16]) -> __m256i {
        // SAFETY: the load reads the 16 bytes the array holds.
        _mm256_broadcastsi128_si256(_mm_loadu_si128(parts.as_ptr().cast::<__m128i>()))
    }

    /// All ones in the lanes of the bytes whose halves share no class part.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn outside_class(bytes: __m256i, low: __m256i, high: __m256i) -> __m256i {
        let nibble = _mm256_set1_epi8(0x0f);
        let low_parts = _mm256_shuffle_epi8(low, _mm256_and_si256(bytes, nibble));
        let high_half = _mm256_and_si256(_mm256_srli_epi16::<4>(bytes), nibble);
        let high_parts = _mm256_shuffle_epi8(high, high_half);
        let shared = _mm256_and_si256(low_parts, high_parts);
        _mm256_cmpeq_epi8(shared, _mm256_setzero_si256())
    }

    #[target_feature(enable = "avx2")]
    unsafe fn load(block: &[u8; BLOCK]) -> [__m256i; 2] {
        // SAFETY: the two unaligned loads read the first and the last 32 of the 64
        // bytes `block` holds, no more.
        let first = _mm256_loadu_si256(block.as_ptr().cast::<__m256i>());
        let second = _mm256_loadu_si256(block.as_ptr().add(32).cast::<__m256i>());
        [first, second]
    }

    #[target_feature(enable = "avx2")]
    unsafe fn bits(lanes: __m256i) -> u64 {
        u64::from(_mm256_movemask_epi8(lanes) as u32)
    }
}

/// The bits of 16 bytes, one byte at a time.
#[cfg(not(target_arch = "x86_64"))]
mod chunk_bits {
    fn bits(chunk: &[u8; 16], class: impl Fn(u8) -> bool) -> u16 {
        chunk.iter().enumerate().fold(0, |mask, (index, &byte)| {
            mask | (u16::from(class(byte)) << index)
        })
    }

    pub fn layout(chunk: &[u8; 16]) -> u16 {
        bits(chunk, super::is_layout_byte)
    }

    pub fn newline(chunk: &[u8; 16]) -> u16 {
        bits(chunk, |byte| byte == b'\n')
    }

    pub fn word(chunk: &[u8; 16]) -> u16 {
        bits(chunk, super::is_word_byte)
    }
}

/// Finds, from any offset, the next layout byte, keeping the mask of the block it
/// last classified so that a run of nearby questions classifies each byte once.
pub struct LayoutBytes<'a> {
    bytes: &'a [u8],
    /// Where the classified block starts (`usize::MAX` before the first question,
    /// with an empty mask).
    block_start: usize,
    mask: u64,
}

impl<'a> LayoutBytes<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        LayoutBytes {
            bytes,
            block_start: usize::MAX,
            mask: 0,
        }
    }

    /// The offset of the first layout byte at or after `from`, if any.
    #[inline]
    pub fn next_from(&mut self, from: usize) -> Option<usize> {
        // Wraps to a large number when `from` lies before the block.
        let offset = from.wrapping_sub(self.block_start);
        if offset < BLOCK {
            let ahead = self.mask >> offset;
            if ahead != 0 {
                return Some(from + ahead.trailing_zeros() as usize);
            }
        }
        self.next_from_new_blocks(from)
    }

    /// The layout bytes from `from` to the end of the block that holds the first of
    /// them: the block's start and a mask of them relative to it (never empty), or
    /// None when no layout byte follows `from`.
    #[inline]
    pub fn rest_of_block_from(&mut self, from: usize) -> Option<(usize, u64)> {
        let first = self.next_from(from)?;
        let offset = first - self.block_start;
        Some((self.block_start, self.mask >> offset << offset))
    }

    /// As [`LayoutBytes::next_from`], classifying blocks from `from` on.
    #[inline(never)]
    fn next_from_new_blocks(&mut self, mut from: usize) -> Option<usize> {
        while from < self.bytes.len() {
            let end = (from + BLOCK).min(self.bytes.len());
            self.mask = layout_mask(&self.bytes[from..end]);
            self.block_start = from;
            if self.mask != 0 {
                return Some(from + self.mask.trailing_zeros() as usize);
            }
            from = end;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `mask_of` marks exactly the bytes `class` holds, for every byte
    /// value at every position of a block.
    fn assert_marks_exactly(mask_of: impl Fn(&[u8]) -> u64, class: fn(u8) -> bool) {
        let all: Vec<u8> = (0..=255).collect();
        for shift in 0..BLOCK {
            for block in all[shift..].chunks(BLOCK).chain(all.chunks(BLOCK)) {
                let mask = mask_of(block);
                for (index, &byte) in block.iter().enumerate() {
                    assert_eq!(mask >> index & 1 == 1, class(byte), "{byte:#x} at {index}");
                }
                if block.len() < BLOCK {
                    assert_eq!(mask >> block.len(), 0, "bits past the end");
                }
            }
        }
    }

    #[test]
    fn the_mask_marks_exactly_the_layout_bytes() {
        assert_marks_exactly(layout_mask, is_layout_byte);
        assert_marks_exactly(newline_mask, |byte| byte == b'\n');
        for byte in *b"#\\\n([{)]}'\"" {
            assert!(is_layout_byte(byte), "{}", byte as char);
        }
        for byte in *b"az_09 .,:=+-*/<>@!?\t\r~^`\x80\xff" {
            assert!(!is_layout_byte(byte), "{}", byte as char);
        }
    }

    /// A block classified 16 bytes at a time, whatever the CPU (the public masks
    /// take the AVX2 path where the CPU has it).
    fn narrow_mask(block: &[u8], classifier: &Classifier) -> u64 {
        let mut padded = [0u8; BLOCK];
        padded[..block.len()].copy_from_slice(block);
        sixteen_at_a_time(&padded, classifier.narrow)
    }

    #[test]
    fn sixteen_bytes_at_a_time_marks_the_same_classes() {
        assert_marks_exactly(|block| narrow_mask(block, &LAYOUT), is_layout_byte);
        assert_marks_exactly(|block| narrow_mask(block, &NEWLINE), |byte| byte == b'\n');
        assert_marks_exactly(|block| narrow_mask(block, &WORD), is_word_byte);
    }

    #[test]
    fn line_starts_are_the_offsets_after_each_line_feed() {
        let text: Vec<u8> = (0..500u32)
            .map(|i| {
                if i % 7 == 0 || i % 61 == 0 {
                    b'\n'
                } else {
                    b'x'
                }
            })
            .collect();
        for (from, to) in [
            (0, text.len()),
            (3, 130),
            (64, 128),
            (10, 10),
            (499, 500),
            (1, 449),
        ] {
            let expected: Vec<usize> = (from..to)
                .filter(|&at| text[at] == b'\n')
                .map(|at| at + 1)
                .collect();
            let mut starts = vec![];
            push_line_starts(&text, from, to, &mut starts);
            assert_eq!(starts, expected, "{from}..{to}");
            let mut portable = vec![];
            push_line_starts_from(&text, from, to, &mut portable);
            assert_eq!(portable, expected, "{from}..{to}, a mask at a time");
        }
        assert_eq!(newline_mask(b"\na\n"), 0b101);
    }

    #[test]
    fn the_word_mask_marks_exactly_the_identifier_bytes() {
        assert_marks_exactly(word_mask, is_word_byte);
        assert_eq!(word_mask(b"a_Z9 @[`{\x80"), 0b10_0000_1111);
    }

    #[test]
    fn a_byte_set_marks_its_members_beside_the_identifier_bytes() {
        let exact = cfg!(target_arch = "x86_64") && std::arch::is_x86_feature_detected!("avx2");
        for members in [&b"cfQgVtsmi_"[..], b"S", b"\x80\xc3z", b""] {
            let set = ByteSet::new(members.iter().copied());
            assert_marks_exactly(|block| set.word_and_member_masks(block).0, is_word_byte);
            let all: Vec<u8> = (0..=255).collect();
            for shift in 0..BLOCK {
                for block in all[shift..].chunks(BLOCK) {
                    let (_, marked) = set.word_and_member_masks(block);
                    for (index, &byte) in block.iter().enumerate() {
                        let bit = marked >> index & 1 == 1;
                        if members.contains(&byte) {
                            assert!(bit, "member {byte:#x} at {index}");
                        } else if exact && byte < 0x70 {
                            assert!(!bit, "{byte:#x} at {index} is no member");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn short_blocks_have_no_bits_past_their_end() {
        assert_eq!(layout_mask(b"a(b"), 0b010);
        assert_eq!(layout_mask(b""), 0);
    }

    /// 300 bytes of words, blanks and layout bytes, picked from a pattern in steps of
    /// `step`.
    fn mixed_text(step: usize) -> Vec<u8> {
        let pattern = b"ab(c d'e\nfg h]i{jk lm #n";
        (0..300)
            .map(|i| pattern[i * step % pattern.len()])
            .collect()
    }

    #[test]
    fn the_rest_of_a_block_holds_the_layout_bytes_from_the_first_on() {
        let text = mixed_text(5);
        let mut finder = LayoutBytes::new(&text);
        for from in (0..=text.len()).chain([7, 200, 0]) {
            let first = (from..text.len()).find(|&at| is_layout_byte(text[at]));
            let Some((block_start, mask)) = finder.rest_of_block_from(from) else {
                assert_eq!(first, None, "from {from}");
                continue;
            };
            assert_eq!(Some(block_start + mask.trailing_zeros() as usize), first);
            let block_end = (block_start + BLOCK).min(text.len());
            for (index, &byte) in text[block_start..block_end].iter().enumerate() {
                let expected = block_start + index >= first.unwrap_or(0) && is_layout_byte(byte);
                assert_eq!(mask >> index & 1 == 1, expected, "{from}: {index}");
            }
        }
    }

    #[test]
    fn next_from_finds_each_layout_byte_from_any_offset() {
        let text = mixed_text(7);
        let mut finder = LayoutBytes::new(&text);
        // Questions in any order (forward, backward, far jumps) get the plain answer.
        for from in (0..=text.len())
            .chain((0..text.len()).rev())
            .chain([5, 250, 3, 299])
        {
            let expected = (from..text.len()).find(|&at| is_layout_byte(text[at]));
            assert_eq!(finder.next_from(from), expected, "from {from}");
        }
    }
}
