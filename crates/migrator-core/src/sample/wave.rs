//! Prompt recordings for sample servers: real RIFF/WAVE files (8 kHz, 16-bit mono PCM, the
//! telephony format) holding a tone with noise.
//!
//! The noise keeps the audio from compressing to nothing, so that archive benchmarks on
//! samples measure something real; the tone keeps it from being pure noise. A prompt is
//! described by a [`Wave`] and generated while it is written, so that hundreds of megabytes of
//! prompts never sit in memory.

use std::io::{self, Write};

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Samples per second.
pub const SAMPLE_RATE: u32 = 8_000;
/// Bytes per sample (16-bit mono).
const BYTES_PER_SAMPLE: u32 = 2;
/// The size of the RIFF, `fmt ` and `data` headers.
pub const HEADER_LEN: u64 = 44;
/// Samples generated per write.
const CHUNK: usize = 4_096;
/// Entries of the sine table (a power of two).
const TABLE: usize = 1_024;

/// One prompt recording, generated on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wave {
    /// Seeds the noise, so that the same description always gives the same bytes.
    pub seed: u64,
    /// The number of samples.
    pub samples: u32,
    /// The tone's frequency in hertz.
    pub tone_hz: u32,
}

impl Wave {
    /// A wave of about `bytes` bytes in total.
    pub fn of_size(seed: u64, bytes: u64, tone_hz: u32) -> Wave {
        let data = bytes.saturating_sub(HEADER_LEN) / u64::from(BYTES_PER_SAMPLE);
        Wave {
            seed,
            samples: u32::try_from(data).unwrap_or(u32::MAX / BYTES_PER_SAMPLE),
            tone_hz,
        }
    }

    /// The file's length in bytes.
    pub fn file_len(&self) -> u64 {
        HEADER_LEN + self.data_len()
    }

    fn data_len(&self) -> u64 {
        u64::from(self.samples) * u64::from(BYTES_PER_SAMPLE)
    }

    /// Writes the whole file.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.header())?;
        let table = sine_table();
        let step = phase_step(self.tone_hz);
        let mut phase: u32 = 0;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut noise = vec![0u8; CHUNK * 2];
        let mut bytes = vec![0u8; CHUNK * 2];
        let mut left = self.samples as usize;
        while left > 0 {
            let n = left.min(CHUNK);
            rng.fill_bytes(&mut noise[..n * 2]);
            for i in 0..n {
                let tone = table[(phase >> 22) as usize];
                let hiss = i16::from_le_bytes([noise[2 * i], noise[2 * i + 1]]) >> 8;
                let sample = tone.saturating_add(hiss);
                bytes[2 * i..2 * i + 2].copy_from_slice(&sample.to_le_bytes());
                phase = phase.wrapping_add(step);
            }
            out.write_all(&bytes[..n * 2])?;
            left -= n;
        }
        Ok(())
    }

    /// The 44-byte header of a PCM wave file.
    fn header(&self) -> [u8; HEADER_LEN as usize] {
        let data_len = u32::try_from(self.data_len()).unwrap_or(u32::MAX - 36);
        let mut header = [0u8; HEADER_LEN as usize];
        let fields: [(&[u8], usize); 13] = [
            (b"RIFF", 0),
            (&(36 + data_len).to_le_bytes(), 4),
            (b"WAVE", 8),
            (b"fmt ", 12),
            (&16u32.to_le_bytes(), 16),
            (&1u16.to_le_bytes(), 20),
            (&1u16.to_le_bytes(), 22),
            (&SAMPLE_RATE.to_le_bytes(), 24),
            (&(SAMPLE_RATE * BYTES_PER_SAMPLE).to_le_bytes(), 28),
            (&(BYTES_PER_SAMPLE as u16).to_le_bytes(), 32),
            (&16u16.to_le_bytes(), 34),
            (b"data", 36),
            (&data_len.to_le_bytes(), 40),
        ];
        for (bytes, at) in fields {
            header[at..at + bytes.len()].copy_from_slice(bytes);
        }
        header
    }
}

/// One period of a sine at a quarter of full scale, from Bhaskara I's approximation in integer
/// arithmetic: floating-point `sin` may differ in its last bit between platforms, and the
/// same sample must give the same bytes everywhere.
fn sine_table() -> Vec<i16> {
    const HALF: i64 = (TABLE / 2) as i64;
    (0..TABLE as i64)
        .map(|i| {
            let k = i % HALF;
            let product = k * (HALF - k);
            let magnitude = 8_000 * 16 * product / (5 * HALF * HALF - 4 * product);
            let signed = if i < HALF { magnitude } else { -magnitude };
            signed as i16
        })
        .collect()
}

/// The phase increment per sample of a 32-bit phase accumulator whose top 10 bits index the
/// sine table.
fn phase_step(tone_hz: u32) -> u32 {
    ((u64::from(tone_hz) << 32) / u64::from(SAMPLE_RATE)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_valid_pcm_header_and_the_announced_length() {
        let wave = Wave::of_size(7, 10_044, 440);
        let mut bytes = Vec::new();
        wave.write_to(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, wave.file_len());
        assert_eq!(bytes.len(), 10_044);
        assert_eq!(&bytes[0..4], b"RIFF");
        assert_eq!(&bytes[8..16], b"WAVEfmt ");
        let riff_len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff_len + 8, bytes.len());
        let rate = u32::from_le_bytes(bytes[24..28].try_into().unwrap());
        assert_eq!(rate, SAMPLE_RATE);
        let data_len = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
        assert_eq!(data_len + 44, bytes.len());
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let render = |seed| {
            let mut bytes = Vec::new();
            Wave::of_size(seed, 2_000, 350)
                .write_to(&mut bytes)
                .unwrap();
            bytes
        };
        assert_eq!(render(1), render(1));
        assert_ne!(render(1), render(2));
    }

    #[test]
    fn the_tone_is_a_sine_within_a_percent() {
        let table = sine_table();
        for (i, &sample) in table.iter().enumerate() {
            let angle = i as f64 * std::f64::consts::TAU / TABLE as f64;
            let exact = angle.sin() * 8_000.0;
            assert!(
                (f64::from(sample) - exact).abs() < 80.0,
                "{i}: {sample} vs {exact}"
            );
        }
    }

    #[test]
    fn audio_is_not_trivially_compressible() {
        let mut bytes = Vec::new();
        Wave::of_size(3, 200_000, 440).write_to(&mut bytes).unwrap();
        let distinct: std::collections::HashSet<_> = bytes[44..].chunks(2).collect();
        assert!(
            distinct.len() > 1_000,
            "{} distinct samples",
            distinct.len()
        );
    }
}
