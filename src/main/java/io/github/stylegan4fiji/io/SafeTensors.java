package io.github.stylegan4fiji.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, JSON header of
 * {@code name → {dtype, shape, data_offsets}}, then raw little-endian data), float32 only.
 * Written from the public format description; readable by the Python {@code safetensors} package.
 */
public final class SafeTensors {

	/** A host tensor: shape and row-major float32 values. */
	public static final class Tensor {
		public final long[] shape;
		public final float[] data;

		public Tensor(long[] shape, float[] data) {
			long n = 1;
			for (long d : shape) n *= d;
			if (n != data.length) throw new IllegalArgumentException("shape does not match data length");
			this.shape = shape.clone();
			this.data = data;
		}
	}

	private static final long MAX_HEADER = 100L << 20;

	private SafeTensors() {}

	public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
			throws IOException {
		JsonObject header = new JsonObject();
		if (metadata != null && !metadata.isEmpty()) {
			JsonObject meta = new JsonObject();
			metadata.forEach(meta::addProperty);
			header.add("__metadata__", meta);
		}
		long offset = 0;
		for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
			JsonObject t = new JsonObject();
			t.addProperty("dtype", "F32");
			JsonArray shape = new JsonArray();
			for (long d : e.getValue().shape) shape.add(d);
			t.add("shape", shape);
			JsonArray offsets = new JsonArray();
			long bytes = 4L * e.getValue().data.length;
			offsets.add(offset);
			offsets.add(offset + bytes);
			t.add("data_offsets", offsets);
			header.add(e.getKey(), t);
			offset += bytes;
		}
		byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
		int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned
		ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
		head.putLong(padded).put(json);
		while (head.hasRemaining()) head.put((byte) ' ');
		out.write(head.array());
		ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
		for (Tensor t : tensors.values()) {
			for (float v : t.data) {
				if (!buf.hasRemaining()) {
					out.write(buf.array(), 0, buf.position());
					buf.clear();
				}
				buf.putFloat(v);
			}
		}
		out.write(buf.array(), 0, buf.position());
	}

	/**
	 * Parses a whole safetensors blob. Every inconsistency (header length, JSON, dtype, shape vs.
	 * byte count, offsets outside the data) is reported as a {@link ModelFormatException} naming
	 * {@code where}.
	 */
	public static Map<String, Tensor> read(byte[] bytes, String where) throws ModelFormatException {
		if (bytes.length < 8) throw new ModelFormatException(where + ": too short for a safetensors file (truncated?)");
		ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		long headerLen = bb.getLong();
		if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > bytes.length - 8)
			throw new ModelFormatException(where + ": bad safetensors header length " + headerLen + " (file truncated or not safetensors)");
		JsonObject header;
		try {
			JsonElement parsed = JsonParser.parseString(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
			header = parsed.getAsJsonObject();
		} catch (RuntimeException e) {
			throw new ModelFormatException(where + ": safetensors header is not valid JSON", e);
		}
		long dataStart = 8 + headerLen;
		long dataLen = bytes.length - dataStart;
		Map<String, Tensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, JsonElement> e : header.entrySet()) {
			if (e.getKey().equals("__metadata__")) continue;
			String name = e.getKey();
			try {
				JsonObject t = e.getValue().getAsJsonObject();
				String dtype = t.get("dtype").getAsString();
				if (!"F32".equals(dtype))
					throw new ModelFormatException(where + ": tensor '" + name + "' has dtype " + dtype + "; only F32 is supported");
				JsonArray s = t.getAsJsonArray("shape");
				long[] shape = new long[s.size()];
				long n = 1;
				for (int i = 0; i < shape.length; i++) {
					shape[i] = s.get(i).getAsLong();
					if (shape[i] < 0) throw new ModelFormatException(where + ": tensor '" + name + "' has a negative dimension");
					n = Math.multiplyExact(n, shape[i]);
				}
				JsonArray off = t.getAsJsonArray("data_offsets");
				long begin = off.get(0).getAsLong(), end = off.get(1).getAsLong();
				if (begin < 0 || end < begin || end > dataLen)
					throw new ModelFormatException(where + ": tensor '" + name + "' lies outside the data (file truncated?)");
				if (end - begin != 4 * n)
					throw new ModelFormatException(where + ": tensor '" + name + "' has " + (end - begin)
						+ " bytes but its shape needs " + 4 * n);
				float[] data = new float[Math.toIntExact(n)];
				ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
				slice.asFloatBuffer().get(data);
				out.put(name, new Tensor(shape, data));
			} catch (ModelFormatException ex) {
				throw ex;
			} catch (RuntimeException ex) {
				throw new ModelFormatException(where + ": malformed header entry for tensor '" + name + "'", ex);
			}
		}
		return out;
	}

	/** The {@code __metadata__} strings of a blob (empty if none). */
	public static Map<String, String> metadata(byte[] bytes) {
		Map<String, String> m = new LinkedHashMap<>();
		try {
			long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
			JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8)).getAsJsonObject();
			if (header.has("__metadata__"))
				header.getAsJsonObject("__metadata__").entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
		} catch (RuntimeException ignored) {
			// no readable metadata
		}
		return m;
	}
}
