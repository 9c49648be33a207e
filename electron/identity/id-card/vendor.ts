/**
 * Where a vendor driver for 二代证 readers plugs in. Every certified reader SDK (SDT / termb
 * style: open port → authenticate → read base message) returns the card's 256-byte text block
 * (UCS-2 little endian, fixed-width fields, space padded) and the chip photo, which the SDK's
 * own decoder (WltRS / libwlt2bmp) turns from .wlt into a 102×126 24-bit BMP. The SDK is
 * native and vendor-licensed, so it cannot be built here: an adapter wraps it and hands these
 * two buffers to createVendorReader(). See docs/IDENTITY.md.
 */
import { IdCardError, type IdCardData, type IdCardReader } from './types';

/** What an adapter around the vendor SDK provides. */
export interface VendorCardAdapter {
  /** Waits for a card on the reader and reads it (throws when none is placed in time). */
  readRaw(): Promise<{ text: Uint8Array; photoBmp: Uint8Array }>;
}

/** Byte widths of the fields of the text block, in order (GA 450 / the SDKs' documentation). */
const FIELDS = [
  ['name', 30],
  ['sex', 2],
  ['nation', 4],
  ['birth', 16],
  ['address', 70],
  ['idNumber', 36],
  ['issuer', 30],
  ['validFrom', 16],
  ['validTo', 16],
] as const;
export const ID_CARD_TEXT_BYTES = 256;

/** GB 3304 民族 codes as the chip stores them. */
const NATIONS = [
  '汉', '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼', '哈萨克', '傣', '黎',
  '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南',
  '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙',
  '鄂伦春', '赫哲', '门巴', '珞巴', '基诺',
];

const day = (yyyymmdd: string) => (/^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` : null);

/** Parses the 256-byte text block; throws IdCardError READER_FAILED when it does not hold a card. */
export function parseIdCardText(block: Uint8Array): Omit<IdCardData, 'photo'> {
  if (block.length < ID_CARD_TEXT_BYTES) throw new IdCardError('READER_FAILED', `读卡器返回的证件信息不完整（${block.length} 字节）`);
  const decoder = new TextDecoder('utf-16le');
  const raw: Record<string, string> = {};
  let offset = 0;
  for (const [name, width] of FIELDS) {
    raw[name] = decoder.decode(block.subarray(offset, offset + width)).split('\u0000')[0].trim();
    offset += width;
  }
  const birthDate = day(raw.birth);
  const validFrom = day(raw.validFrom);
  const validTo = raw.validTo === '长期' ? null : day(raw.validTo);
  if (!raw.name || !birthDate || !validFrom || (validTo === null && raw.validTo !== '长期') || !['1', '2'].includes(raw.sex)) {
    throw new IdCardError('READER_FAILED', '读卡器返回的证件信息无法识别，请重新放置证件后再读');
  }
  const nation = NATIONS[Number(raw.nation) - 1];
  return {
    name: raw.name,
    sex: raw.sex === '1' ? 'male' : 'female',
    ...(nation ? { nation } : {}),
    birthDate,
    address: raw.address,
    idNumber: raw.idNumber,
    issuer: raw.issuer,
    validFrom,
    validTo,
  };
}

export function createVendorReader(adapter: VendorCardAdapter): IdCardReader {
  return {
    driver: 'reader',
    async read() {
      let raw: { text: Uint8Array; photoBmp: Uint8Array };
      try {
        raw = await adapter.readRaw();
      } catch (e) {
        if (e instanceof IdCardError) throw e;
        throw new IdCardError('READER_FAILED', '读卡失败：请确认读卡器已连接，证件平放在感应区后重试', { cause: e });
      }
      return { ...parseIdCardText(raw.text), photo: raw.photoBmp };
    },
  };
}
