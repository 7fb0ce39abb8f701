// The types of generate.mjs, for the drift test that calls it.
export interface GenerateResult {
  status: 0 | 1;
  stdout: string;
  stderr: string;
}

export function generateClientFiles(options?: {
  spec?: string;
  out?: string;
  check?: boolean;
}): Promise<GenerateResult>;
