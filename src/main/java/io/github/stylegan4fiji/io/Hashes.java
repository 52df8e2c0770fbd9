package io.github.stylegan4fiji.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests as hex strings (cache keys and file identities). */
public final class Hashes {

	private Hashes() {}

	public static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("the JVM has no SHA-256", e);
		}
	}

	public static String sha256(byte[] bytes) {
		return hex(sha256().digest(bytes));
	}

	public static String hex(byte[] digest) {
		StringBuilder sb = new StringBuilder(digest.length * 2);
		for (byte b : digest) sb.append(String.format("%02x", b));
		return sb.toString();
	}
}
