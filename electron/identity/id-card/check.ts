/**
 * Checks of a card as read: the number (GB 11643, shared validator), the fields against the
 * number (birth date and sex are encoded in it), and the validity period. An expired card is
 * flagged, not refused: whether to go on (e.g. with a 临时身份证明) is the clerk's call.
 */
import { localIsoDate } from '../../../shared/validators/common';
import { maskIdNumber, validateIdCard } from '../../../shared/validators/id-card';
import { IdCardError, type IdCardData } from './types';

export type CardValidityStatus = 'valid' | 'expired' | 'not-yet-valid';

export interface CardValidity {
  status: CardValidityStatus;
  /** Chinese, for the clerk. */
  message: string;
}

export interface CardCheck {
  /** The normalised number (upper-case X, no spaces). */
  idNumber: string;
  idNumberMasked: string;
  validity: CardValidity;
  /** Fields that disagree with the number, Chinese. */
  warnings: string[];
}

const SEX_NAMES = { male: '男', female: '女' } as const;

/** On `today` (local calendar day): valid from validFrom through validTo inclusive. */
export function cardValidity(validFrom: string, validTo: string | null, today: Date): CardValidity {
  const day = localIsoDate(today);
  const period = `有效期 ${validFrom} 至 ${validTo ?? '长期'}`;
  if (validTo !== null && day > validTo) {
    return { status: 'expired', message: `居民身份证已于 ${validTo} 过期（${period}），请办事人出示有效身份证件或公安机关出具的临时身份证明` };
  }
  if (day < validFrom) {
    return { status: 'not-yet-valid', message: `居民身份证有效期尚未开始（${period}），请核对证件` };
  }
  return { status: 'valid', message: `证件在有效期内（${period}）` };
}

/** Throws IdCardError ID_NUMBER_INVALID for a bad number; everything else is reported. */
export function checkCard(card: IdCardData, today: Date = new Date()): CardCheck {
  const number = validateIdCard(card.idNumber, today);
  if (!number.valid) throw new IdCardError('ID_NUMBER_INVALID', `${number.reason}，请核对证件`);
  const warnings: string[] = [];
  if (card.birthDate !== number.birthDate) warnings.push(`出生日期 ${card.birthDate} 与公民身份号码中的 ${number.birthDate} 不一致`);
  if (card.sex !== number.sex) warnings.push(`性别“${SEX_NAMES[card.sex]}”与公民身份号码（${SEX_NAMES[number.sex]}）不一致`);
  if (card.validTo !== null && card.validTo < card.validFrom) warnings.push('有效期截止日期早于起始日期');
  return {
    idNumber: number.value,
    idNumberMasked: maskIdNumber(number.value),
    validity: cardValidity(card.validFrom, card.validTo, today),
    warnings,
  };
}
